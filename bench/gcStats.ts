import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';

export interface GcStats {
  /** Scavenges of the young generation: count and main-thread pause in ms. */
  minor: { count: number; pause_ms: number };
  /** Mark-compacts (and their incremental marking steps) of the whole heap. */
  major: { count: number; pause_ms: number };
  /** At the end of the window, MB: V8's heap in use, and memory outside it (Buffers). */
  heap_used_mb: number;
  external_mb: number;
}

/**
 * Counts this process's garbage collections until the returned function is called. Main-thread
 * pauses only: V8's helper threads mark and sweep concurrently on top, which shows as extra cores
 * of the Node process.
 */
export function watchGc(): () => GcStats {
  const stats = { minor: { count: 0, pause_ms: 0 }, major: { count: 0, pause_ms: 0 } };
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      const bucket = kind === constants.NODE_PERFORMANCE_GC_MINOR ? stats.minor : stats.major;
      bucket.count++;
      bucket.pause_ms += entry.duration;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    observer.disconnect();
    const round = (b: GcStats['minor']) => ({ count: b.count, pause_ms: Math.round(b.pause_ms) });
    const memory = process.memoryUsage();
    const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
    return { minor: round(stats.minor), major: round(stats.major), heap_used_mb: mb(memory.heapUsed), external_mb: mb(memory.external) };
  };
}

import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/*
 * Heap measured after a forced full GC, so the number is what is still referenced, not garbage
 * waiting for collection. vitest's worker does not run with --expose-gc; V8 lets us turn the flag
 * on at run time, and a fresh context then has `gc`.
 */
function gcFunction(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (typeof existing === 'function') return existing;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  if (typeof gc !== 'function') throw new Error('cannot get a gc function (--expose-gc)');
  return gc as () => void;
}

export interface MemorySnapshot {
  /** This process's live heap after full GCs (the server runs in this process), in MB. */
  heapMb: number;
  rssMb: number;
  /** The mediasoup worker's resident memory, in MB. */
  workerRssMb: number;
}

/** Resident memory of a process from /proc, in MB (0 if it is gone). */
function rssOfMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

export async function measureMemory(workerPid: number): Promise<MemorySnapshot> {
  const gc = gcFunction();
  // Several rounds with pauses: closed sockets and timers release what they hold a tick later.
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const round = (n: number): number => Math.round(n * 10) / 10;
  const usage = process.memoryUsage();
  return { heapMb: round(usage.heapUsed / 2 ** 20), rssMb: round(usage.rss / 2 ** 20), workerRssMb: round(rssOfMb(workerPid)) };
}

import { readFileSync } from 'node:fs';
import os from 'node:os';

interface CpuTimes {
  busy: number;
  total: number;
}

/** The machine-wide `cpu` line of /proc/stat: user nice system idle iowait irq softirq steal … (in ticks). */
export function parseProcStat(text: string): CpuTimes | undefined {
  const line = text.split('\n', 1)[0] ?? '';
  const fields = line.trim().split(/\s+/);
  if (fields[0] !== 'cpu' || fields.length < 5) return undefined;
  // guest and guest_nice are already counted in user and nice.
  const ticks = fields.slice(1, 9).map(Number);
  if (ticks.some((n) => !Number.isFinite(n))) return undefined;
  const total = ticks.reduce((sum, n) => sum + n, 0);
  const idle = ticks[3]! + (ticks[4] ?? 0);
  return { busy: total - idle, total };
}

function readProcStat(): CpuTimes | undefined {
  try {
    return parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

/** Heartbeats a CPU figure spans: one second's sample swings with every burst, five seconds' is what a node can take on. */
const WINDOW_SAMPLES = 5;

/**
 * Busy cores (0..cores) over the last WINDOW_SAMPLES calls (one per heartbeat), machine-wide: what
 * an egress node spends is mostly in its children (FFmpeg, mediasoup workers), which the process's
 * own cpuUsage does not count. Without /proc (not Linux), the 1-minute load average stands in.
 */
export function systemCpuSampler(cores: number = os.availableParallelism(), windowSamples = WINDOW_SAMPLES): () => number {
  const readings: CpuTimes[] = [];
  const first = readProcStat();
  if (first) readings.push(first);
  return () => {
    const now = readProcStat();
    const oldest = readings[0];
    if (now) readings.push(now);
    if (readings.length > windowSamples + 1) readings.shift();
    if (!now || !oldest || now.total <= oldest.total) return Math.min(cores, os.loadavg()[0] ?? 0);
    const busyShare = (now.busy - oldest.busy) / (now.total - oldest.total);
    return Math.min(cores, Math.max(0, busyShare * cores));
  };
}

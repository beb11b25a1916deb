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

/**
 * Busy cores (0..cores) since the previous call, machine-wide: what an egress node spends is mostly
 * in its children (FFmpeg, mediasoup workers), which the process's own cpuUsage does not count.
 * Without /proc (not Linux), the 1-minute load average stands in.
 */
export function systemCpuSampler(cores: number = os.availableParallelism()): () => number {
  let last = readProcStat();
  return () => {
    const now = readProcStat();
    const previous = last;
    last = now;
    if (!now || !previous || now.total <= previous.total) return Math.min(cores, os.loadavg()[0] ?? 0);
    const busyShare = (now.busy - previous.busy) / (now.total - previous.total);
    return Math.min(cores, Math.max(0, busyShare * cores));
  };
}

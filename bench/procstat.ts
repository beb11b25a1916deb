import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of utime/stime in /proc/<pid>/stat (usually 100). */
export const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
const PAGE_KB = (Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()) || 4096) / 1024;

/** One look at a live process, from /proc. */
export interface ProcSample {
  pid: number;
  ppid: number;
  /** pid + start time: a reused pid is another process. */
  key: string;
  /** utime + stime, in seconds of CPU. */
  cpuS: number;
  /** stime alone: time in the kernel (pipe and socket copies, for instance). */
  sysS: number;
  /** Resident set (the same figure as VmRSS in /proc/<pid>/status). */
  rssKb: number;
  cmdline: string;
}

const cmdlines = new Map<string, string>();

/** One read of /proc/<pid>/stat (and of cmdline the first time a process is seen). */
export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces); f[0] is field 3 of proc(5).
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (f[0] === 'Z') return undefined;
    const key = `${pid}@${f[19]}`; // starttime (22)
    let cmdline = cmdlines.get(key);
    if (cmdline === undefined) {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      cmdlines.set(key, cmdline);
    }
    const [utime, stime] = [Number(f[11]), Number(f[12])]; // fields 14, 15
    return { pid, ppid: Number(f[1]), key, cpuS: (utime + stime) / CLK_TCK, sysS: stime / CLK_TCK, rssKb: Number(f[21]) * PAGE_KB, cmdline };
  } catch {
    return undefined; // exited while we looked
  }
}

/** Every live descendant of `root` (children, grandchildren, ...), sampled now. */
export function sampleDescendants(root: number): ProcSample[] {
  const ppids = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      ppids.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited while we looked
    }
  }
  const found = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of ppids) {
      if (found.has(ppid) && !found.has(pid)) {
        found.add(pid);
        grew = true;
      }
    }
  }
  found.delete(root);
  return [...found].map(sampleProcess).filter((s) => s !== undefined);
}

/** Proportional set size: shared library pages split among the processes mapping them. */
export function pssKb(pid: number): number {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * CPU and RSS of a changing set of processes over a window. `tick()` (every 500 ms) samples the
 * set (the caller samples once per tick for all its windows); each process's CPU in the window is its last sample minus its first (or minus zero when
 * it was born inside the window), so processes that come and go count for the time we saw them.
 * RSS is summed per named group at each tick, and the peak of each sum is kept.
 */
export class ProcWindow {
  readonly #first = new Map<string, ProcSample>();
  readonly #last = new Map<string, ProcSample>();
  readonly #peakRssKb = new Map<string, number>();
  #startedAt = 0;
  #endedAt = 0;

  constructor(readonly rssGroups: Record<string, (s: ProcSample) => boolean> = {}) {}

  start(samples: ProcSample[]): void {
    this.#startedAt = performance.now();
    this.tick(samples);
    for (const s of samples) this.#first.set(s.key, s);
  }

  tick(samples: ProcSample[]): void {
    for (const s of samples) this.#last.set(s.key, s);
    for (const [group, accepts] of Object.entries(this.rssGroups)) {
      const sum = samples.reduce((kb, s) => kb + (accepts(s) ? s.rssKb : 0), 0);
      this.#peakRssKb.set(group, Math.max(this.#peakRssKb.get(group) ?? 0, sum));
    }
  }

  stop(samples: ProcSample[]): void {
    this.tick(samples);
    this.#endedAt = performance.now();
  }

  get seconds(): number {
    return (this.#endedAt - this.#startedAt) / 1000;
  }

  peakRssMb(group: string): number {
    return (this.#peakRssKb.get(group) ?? 0) / 1024;
  }

  /** CPU seconds used in the window by the processes `filter` accepts (or their kernel part). */
  cpuSeconds(filter: (s: ProcSample) => boolean, field: 'cpuS' | 'sysS' = 'cpuS'): number {
    let total = 0;
    for (const [key, last] of this.#last) {
      if (filter(last)) total += last[field] - (this.#first.get(key)?.[field] ?? 0);
    }
    return total;
  }

  /** CPU cores (CPU seconds per wall second) of the processes `filter` accepts. */
  cores(filter: (s: ProcSample) => boolean, field: 'cpuS' | 'sysS' = 'cpuS'): number {
    return this.cpuSeconds(filter, field) / this.seconds;
  }
}

/** CPU seconds the whole machine has been busy (all cores, non-idle), from /proc/stat. */
export function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const [user, nice, system, , , irq, softirq, steal] = fields as number[];
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLK_TCK;
}

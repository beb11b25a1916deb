import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of utime/stime in /proc/<pid>/stat (usually 100). */
export const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

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
  rssKb: number;
  cmdline: string;
}

export function sampleProcess(pid: number): ProcSample | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may contain spaces: state is field 3.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (f[0] === 'Z') return undefined;
    const ppid = Number(f[1]);
    const ticks = Number(f[11]) + Number(f[12]); // utime (14), stime (15)
    const start = f[19]; // starttime (22)
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid, key: `${pid}@${start}`, cpuS: ticks / CLK_TCK, sysS: Number(f[12]) / CLK_TCK, rssKb, cmdline };
  } catch {
    return undefined; // exited while we looked
  }
}

/** Every live descendant of `root` (children, grandchildren, ...), sampled now. */
export function sampleDescendants(root: number): ProcSample[] {
  const all = readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map((e) => sampleProcess(Number(e)))
    .filter((s): s is ProcSample => s !== undefined);
  const parents = new Set([root]);
  const found: ProcSample[] = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of all) {
      if (parents.has(s.ppid) && !parents.has(s.pid)) {
        parents.add(s.pid);
        found.push(s);
        grew = true;
      }
    }
  }
  return found;
}

/**
 * CPU and RSS of a changing set of processes over a window. `tick()` (every 500 ms) samples the
 * set; each process's CPU in the window is its last sample minus its first (or minus zero when
 * it was born inside the window), so processes that come and go count for the time we saw them.
 * RSS is summed per named group at each tick, and the peak of each sum is kept.
 */
export class ProcWindow {
  readonly #first = new Map<string, ProcSample>();
  readonly #last = new Map<string, ProcSample>();
  readonly #peakRssKb = new Map<string, number>();
  #startedAt = 0;
  #endedAt = 0;

  constructor(
    readonly collect: () => ProcSample[],
    readonly rssGroups: Record<string, (s: ProcSample) => boolean> = {},
  ) {}

  start(): void {
    this.#startedAt = performance.now();
    for (const s of this.#take()) this.#first.set(s.key, s);
  }

  tick(): void {
    this.#take();
  }

  stop(): void {
    this.#take();
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

  #take(): ProcSample[] {
    const samples = this.collect();
    for (const s of samples) this.#last.set(s.key, s);
    for (const [group, accepts] of Object.entries(this.rssGroups)) {
      const sum = samples.reduce((kb, s) => kb + (accepts(s) ? s.rssKb : 0), 0);
      this.#peakRssKb.set(group, Math.max(this.#peakRssKb.get(group) ?? 0, sum));
    }
    return samples;
  }
}

/** CPU seconds the whole machine has been busy (all cores, non-idle), from /proc/stat. */
export function machineBusySeconds(): number {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const [user, nice, system, , , irq, softirq, steal] = fields as number[];
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLK_TCK;
}

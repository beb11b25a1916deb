import { readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { sleep } from './ports.js';

/** A live (non-zombie) process, read from /proc. */
export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Executable name: basename of argv[0] (e.g. "ffmpeg", "nginx"). */
  name: string;
  cmdline: string;
}

export interface ProcessFilter {
  /** Executable names to look for among the descendants of `root`. Default ffmpeg, ffprobe, nginx. */
  names?: string[];
  /** Root of the tree to search; default this test process. */
  root?: number;
  /** Also match any process on the machine whose command line contains this (e.g. a unique marker). */
  marker?: string;
}

const DEFAULT_NAMES = ['ffmpeg', 'ffprobe', 'nginx'];

function readProcess(pid: number): ProcessInfo | undefined {
  try {
    // The command name in stat may contain spaces or parentheses: the fields start after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z') return undefined;
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    // nginx rewrites its title to "nginx: master process ...", hence the first word without ':'.
    const first = argv[0]?.split(' ')[0]?.replace(/:$/, '');
    const name = first ? basename(first) : readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return { pid, ppid: Number(ppid), name, cmdline: argv.join(' ') };
  } catch {
    return undefined; // It exited while we looked.
  }
}

export function listProcesses(): ProcessInfo[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProcess(Number(entry)))
    .filter((info): info is ProcessInfo => info !== undefined);
}

/** Children, grandchildren, ... of `root` (nginx workers are children of its master, for instance). */
export function descendantsOf(root: number, all: ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const found: ProcessInfo[] = [];
  const parents = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const info of all) {
      if (parents.has(info.ppid) && !parents.has(info.pid)) {
        parents.add(info.pid);
        found.push(info);
        grew = true;
      }
    }
  }
  return found;
}

/** Media processes this test started (still running), plus any process carrying `marker`. */
export function findMediaProcesses(filter: ProcessFilter = {}): ProcessInfo[] {
  const names = filter.names ?? DEFAULT_NAMES;
  const all = listProcesses();
  const mine = descendantsOf(filter.root ?? process.pid, all).filter((p) => names.includes(p.name));
  const marked = filter.marker ? all.filter((p) => p.pid !== process.pid && p.cmdline.includes(filter.marker!)) : [];
  const byPid = new Map([...mine, ...marked].map((p) => [p.pid, p]));
  return [...byPid.values()];
}

/** Waits for matching processes to be gone (exits take a moment); returns those still left. */
export async function waitForNoMediaProcesses(filter: ProcessFilter = {}, timeoutMs = 3000): Promise<ProcessInfo[]> {
  const deadline = Date.now() + timeoutMs;
  let left = findMediaProcesses(filter);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(50);
    left = findMediaProcesses(filter);
  }
  return left;
}

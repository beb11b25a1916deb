import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Every temp directory the egress makes (SDP files, labels, placeholder cards) lives under one
 * folder per server process, `roomcast-egress-<pid>`, so a server that crashed leaves its litter
 * where the next start can tell it apart from a live server's and remove it.
 */
const PREFIX = 'roomcast-egress-';

export function processTempRoot(pid = process.pid): string {
  return join(tmpdir(), `${PREFIX}${pid}`);
}

/** A new private directory (mode 0700, as mkdtemp makes them) under this process's root. */
export async function makeEgressTempDir(kind: string): Promise<string> {
  const root = processTempRoot();
  await mkdir(root, { recursive: true, mode: 0o700 });
  return mkdtemp(join(root, `${kind}-`));
}

/** Removes the roots of server processes that no longer run; returns what it removed. */
export async function removeStaleTempRoots(isRunning: (pid: number) => boolean = processRuns): Promise<string[]> {
  const entries = await readdir(tmpdir()).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of entries) {
    const pid = Number(name.startsWith(PREFIX) ? name.slice(PREFIX.length) : Number.NaN);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || isRunning(pid)) continue;
    // What it started detached (a web layout's Chromium, its Xvfb) outlived it: their command lines name this root.
    await killProcessesNaming(join(tmpdir(), name));
    await rm(join(tmpdir(), name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** SIGKILLs every process whose command line names a path under `root` (read from /proc). */
async function killProcessesNaming(root: string): Promise<void> {
  const pids = (await readdir('/proc').catch(() => [] as string[])).filter((entry) => /^\d+$/.test(entry));
  for (const pid of pids) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmdline.split('\0').some((arg) => arg.includes(`${root}/`))) continue;
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Gone meanwhile, or not ours to end.
    }
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

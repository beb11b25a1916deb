import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
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
    await rm(join(tmpdir(), name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
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

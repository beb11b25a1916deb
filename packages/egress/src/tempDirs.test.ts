import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { makeEgressTempDir, processTempRoot, removeStaleTempRoots } from './tempDirs.js';

describe('egress temp directories', () => {
  it('live under a root named for this process', async () => {
    const dir = await makeEgressTempDir('tap');
    expect(dir.startsWith(`${processTempRoot()}/tap-`)).toBe(true);
    await rm(dir, { recursive: true });
  });

  it('removes the roots of processes that are gone, and keeps those that run', async () => {
    const gone = processTempRoot(999_999_991);
    const running = processTempRoot(999_999_992);
    await mkdir(`${gone}/tap-1`, { recursive: true });
    await mkdir(running, { recursive: true });
    const removed = await removeStaleTempRoots((pid) => pid === 999_999_992);
    expect(removed).toContain('roomcast-egress-999999991');
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(running)).toBe(true);
    expect(existsSync(processTempRoot())).toBe(true);
    await rm(running, { recursive: true });
  });

  it("ends what a gone process left running with its root on the command line (a web layout's Chromium, its Xvfb)", async () => {
    const gone = processTempRoot(999_999_993);
    await mkdir(`${gone}/chromium-1`, { recursive: true });
    // A real process standing in for a detached Chromium: `sleep` with the profile directory among its arguments.
    const orphan = spawn('sh', ['-c', 'sleep 30', `--user-data-dir=${gone}/chromium-1`], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => orphan.once('exit', (_code, signal) => resolve(signal)));
    const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await removeStaleTempRoots((pid) => pid !== 999_999_993);
      expect(await exited).toBe('SIGKILL');
      expect(existsSync(gone)).toBe(false);
      expect(bystander.exitCode).toBeNull();
    } finally {
      orphan.kill('SIGKILL');
      bystander.kill('SIGKILL');
    }
  });
});

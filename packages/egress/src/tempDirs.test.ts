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
});

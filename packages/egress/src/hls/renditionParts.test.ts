import { describe, expect, it } from 'vitest';
import { parseMediaName } from './names.js';
import { WRITE_FAILURES, writeFailureOf } from './RenditionFiles.js';
import { Waiters } from './Waiters.js';

describe('waiters of a rendition', () => {
  it('resolve true when their condition holds at a check, false on timeout or close', async () => {
    const waiters = new Waiters();
    let parts = 0;
    const soon = waiters.wait(() => parts >= 1, 5000);
    const never = waiters.wait(() => parts >= 100, 5000);
    const timesOut = waiters.wait(() => parts >= 100, 1);
    expect(await timesOut).toBe(false);
    parts = 1;
    waiters.check();
    expect(await soon).toBe(true);
    expect(waiters.size).toBe(1);
    waiters.close();
    expect(await never).toBe(false);
    expect(waiters.size).toBe(0);
    expect(await waiters.wait(() => parts >= 1, 5000)).toBe(true);
    expect(await waiters.wait(() => parts >= 2, 5000)).toBe(false);
  });
});

describe('file names', () => {
  it('accepts only the names a rendition writes', () => {
    expect(parseMediaName('init.mp4')).toEqual({ kind: 'init', run: 0 });
    expect(parseMediaName('init2.mp4')).toEqual({ kind: 'init', run: 2 });
    expect(parseMediaName('init0.mp4')).toBeUndefined();
    expect(parseMediaName('index.m3u8')).toEqual({ kind: 'playlist' });
    expect(parseMediaName('part12.m4s')).toEqual({ kind: 'part', index: 12 });
    expect(parseMediaName('seg0.m4s')).toEqual({ kind: 'segment', msn: 0 });
    for (const bad of ['../seg0.m4s', 'seg01.m4s', 'part-1.m4s', 'seg0.m4s/', '.index.m3u8.tmp', 'part1e3.m4s', `seg${'9'.repeat(20)}.m4s`]) {
      expect(parseMediaName(bad)).toBeUndefined();
    }
  });

  it('says why a write failed in a fixed phrase', () => {
    const errno = (code: string) => Object.assign(new Error('x'), { code });
    expect(writeFailureOf(errno('ENOSPC'))).toBe(WRITE_FAILURES.diskFull);
    expect(writeFailureOf(errno('EACCES'))).toBe(WRITE_FAILURES.notWritable);
    expect(writeFailureOf(errno('ENOENT'))).toBe(WRITE_FAILURES.notWritable);
    expect(writeFailureOf(new Error('other'))).toBe(WRITE_FAILURES.writeFailed);
  });
});

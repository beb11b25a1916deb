import { describe, expect, it } from 'vitest';
import { AvSync } from './AvSync.js';

const pcm = (ms: number) => Buffer.alloc((48 * ms) * 2, 1); // 48 kHz mono s16le

describe('AvSync', () => {
  it('passes audio through untouched while no frame is dropped', () => {
    const sync = new AvSync(30);
    const chunk = pcm(20);
    expect(sync.audioToSend(chunk)).toBe(chunk);
  });

  it('skips as much audio as the dropped frames lasted, across chunks', () => {
    const sync = new AvSync(30);
    sync.videoFrameDropped(); // 1/30 s = 1600 samples = 3200 bytes
    sync.videoFrameDropped();
    const sent = [pcm(20), pcm(20), pcm(20), pcm(20)].map((c) => sync.audioToSend(c).length);
    // 6400 bytes to skip from 20 ms chunks of 1920 bytes: three chunks eaten, then 640 bytes of the fourth.
    expect(sent).toEqual([0, 0, 0, 1280]);
    expect(sync.audioToSend(pcm(20)).length).toBe(1920);
  });
});

import { describe, expect, it } from 'vitest';
import { MediaClock } from './MediaClock.js';

describe('MediaClock', () => {
  it('counts frames and samples against elapsed time, catching up after a late tick', () => {
    let now = 1000;
    const clock = new MediaClock(30, 48000, () => now);
    expect(clock.framesDue()).toBe(1);
    now += 10;
    expect(clock.framesDue()).toBe(0);
    now += 100;
    expect(clock.framesDue()).toBe(3);
    expect(clock.samplesDue(960)).toBe(4800);
    now += 15;
    expect(clock.samplesDue(960)).toBe(960);
  });

  it('produces exactly fps frames per second over a long run', () => {
    let now = 0;
    const clock = new MediaClock(30, 48000, () => now);
    let frames = 0;
    for (; now < 10_000; now += 7) frames += clock.framesDue();
    expect(frames).toBe(300);
  });
});

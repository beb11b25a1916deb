import { describe, expect, it } from 'vitest';
import { AudioDelayLine } from './AudioDelayLine.js';

/** `n` s16 samples counting up from `from`. */
const ramp = (from: number, n: number): Buffer => {
  const pcm = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) pcm.writeInt16LE(from + i, i * 2);
  return pcm;
};
const samples = (pcm: Buffer): number[] => Array.from({ length: pcm.length / 2 }, (_, i) => pcm.readInt16LE(i * 2));

describe('AudioDelayLine', () => {
  it('passes sound through untouched without a delay', () => {
    const line = new AudioDelayLine();
    const pcm = ramp(1, 4);
    expect(line.process(pcm)).toBe(pcm);
  });

  it('plays the sound `delay` samples later, silence first, the same length out as in', () => {
    const line = new AudioDelayLine();
    line.setDelay(3);
    expect(samples(line.process(ramp(1, 4)))).toEqual([0, 0, 0, 1]);
    expect(samples(line.process(ramp(5, 4)))).toEqual([2, 3, 4, 5]);
  });

  it('skips the difference when the delay shrinks, and adds silence when it grows again', () => {
    const line = new AudioDelayLine();
    line.setDelay(4);
    expect(samples(line.process(ramp(1, 4)))).toEqual([0, 0, 0, 0]);
    line.setDelay(1);
    // 1, 2, 3 were the oldest three of the four held: skipped.
    expect(samples(line.process(ramp(5, 4)))).toEqual([4, 5, 6, 7]);
    line.setDelay(3);
    expect(samples(line.process(ramp(9, 4)))).toEqual([8, 0, 0, 9]);
    line.setDelay(0);
    expect(samples(line.process(ramp(13, 2)))).toEqual([13, 14]);
  });
});

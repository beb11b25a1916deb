import { describe, expect, it } from 'vitest';
import { AudioMixer, SAMPLE_RATE } from './AudioMixer.js';

const pcm = (...samples: number[]) => {
  const b = Buffer.alloc(samples.length * 2);
  samples.forEach((s, i) => b.writeInt16LE(s, i * 2));
  return b;
};
const samplesOf = (b: Buffer) => Array.from({ length: b.length / 2 }, (_, i) => b.readInt16LE(i * 2));

describe('AudioMixer', () => {
  it('is silent with no inputs', () => {
    expect(samplesOf(new AudioMixer().mix(3))).toEqual([0, 0, 0]);
  });

  it('sums inputs and clips instead of wrapping', () => {
    const mixer = new AudioMixer(SAMPLE_RATE, 0);
    mixer.push('a', pcm(100, 30000, -30000));
    mixer.push('b', pcm(23, 10000, -10000));
    expect(samplesOf(mixer.mix(3))).toEqual([123, 32767, -32768]);
  });

  it('fills a late input with silence and drops the late audio when it comes', () => {
    const mixer = new AudioMixer(SAMPLE_RATE, 0);
    mixer.push('a', pcm(1, 2));
    expect(samplesOf(mixer.mix(2))).toEqual([1, 2]);
    expect(samplesOf(mixer.mix(2))).toEqual([0, 0]);
    mixer.push('a', pcm(3, 4)); // due during the silence: its slot has gone
    mixer.push('a', pcm(5, 6));
    expect(samplesOf(mixer.mix(2))).toEqual([5, 6]);
  });

  it('keeps an input at its delay through a stall and the burst after it', () => {
    // 1 ms chunks at 1 kHz (one sample each), a 3 ms delay: chunk n plays three mixes after it came.
    const mixer = new AudioMixer(1000, 3);
    const out: number[] = [];
    let n = 0;
    const tick = (arrive: boolean) => {
      if (arrive) mixer.push('a', pcm(++n));
      out.push(...samplesOf(mixer.mix(1)));
    };
    for (let i = 0; i < 10; i++) tick(true);
    const lagBefore = n - out.at(-1)!;
    for (let i = 0; i < 6; i++) tick(false); // the decoder stalls…
    for (let i = 0; i < 6; i++) mixer.push('a', pcm(++n)); // …and catches up at once
    for (let i = 0; i < 10; i++) tick(true);
    // As far behind as before: the stall cost a gap, not a lasting delay (a FIFO would be 6 more behind).
    expect(n - out.at(-1)!).toBe(lagBefore);
    expect(lagBefore).toBe(3);
    expect(out.slice(10, 16)).toEqual([8, 9, 10, 0, 0, 0]);
  });

  it('stops mixing a removed input', () => {
    const mixer = new AudioMixer();
    mixer.push('a', pcm(5, 5));
    mixer.remove('a');
    expect(samplesOf(mixer.mix(2))).toEqual([0, 0]);
  });

  it('drops the oldest audio when an input runs far ahead', () => {
    const mixer = new AudioMixer();
    for (let i = 0; i < 30; i++) mixer.push('a', pcm(...new Array(960).fill(i)));
    expect(samplesOf(mixer.mix(1))[0]).toBeGreaterThan(10);
  });
});

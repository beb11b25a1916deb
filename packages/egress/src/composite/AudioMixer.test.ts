import { describe, expect, it } from 'vitest';
import { AudioMixer } from './AudioMixer.js';

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
    const mixer = new AudioMixer();
    mixer.push('a', pcm(100, 30000, -30000));
    mixer.push('b', pcm(23, 10000, -10000));
    expect(samplesOf(mixer.mix(3))).toEqual([123, 32767, -32768]);
  });

  it('fills a late input with silence and keeps the rest for the next tick', () => {
    const mixer = new AudioMixer();
    mixer.push('a', pcm(1, 2, 3));
    expect(samplesOf(mixer.mix(2))).toEqual([1, 2]);
    expect(samplesOf(mixer.mix(2))).toEqual([3, 0]);
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

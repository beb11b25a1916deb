import { describe, expect, it } from 'vitest';
import { AudioStartAligner, inputStartMs } from './AudioStartAligner.js';

/** 20 ms of mono s16 at 48 kHz whose samples all hold `value`. */
const chunk = (value: number): Buffer => {
  const pcm = Buffer.alloc(1920);
  for (let i = 0; i < pcm.length; i += 2) pcm.writeInt16LE(value, i);
  return pcm;
};
const samples = (pcm: Buffer): number[] => Array.from({ length: pcm.length / 2 }, (_, i) => pcm.readInt16LE(i * 2));

describe('AudioStartAligner', () => {
  it('holds the sound until the grab starts, then begins with the sound of that instant', () => {
    const aligner = new AudioStartAligner();
    // Chunks ending at 1020, 1040, 1060 ms: [1000-1020) is 1s, [1020-1040) 2s, [1040-1060) 3s.
    expect(aligner.push(chunk(1), 1020).length).toBe(0);
    expect(aligner.push(chunk(2), 1040).length).toBe(0);
    expect(aligner.push(chunk(3), 1060).length).toBe(0);
    const out = samples(aligner.start(1030));
    // From 1030: the second half of the 2s (10 ms = 480 samples), then all the 3s.
    expect(out.length).toBe(480 + 960);
    expect(out.slice(0, 480).every((s) => s === 2)).toBe(true);
    expect(out.slice(480).every((s) => s === 3)).toBe(true);
    expect(aligner.started).toBe(true);
    expect(samples(aligner.push(chunk(4), 1080))).toEqual(samples(chunk(4)));
  });

  it('starts with silence when the grab began before the first sound held', () => {
    const aligner = new AudioStartAligner();
    aligner.push(chunk(5), 1020);
    const out = samples(aligner.start(990));
    expect(out.length).toBe(480 + 960);
    expect(out.slice(0, 480).every((s) => s === 0)).toBe(true);
    expect(out.slice(480).every((s) => s === 5)).toBe(true);
  });

  it('reads the start FFmpeg prints for its first input', () => {
    expect(inputStartMs('  Duration: N/A, start: 1796085868.578949, bitrate: 73728 kb/s')).toBeCloseTo(1796085868578.949, 2);
    expect(inputStartMs("Input #0, x11grab, from ':77':")).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { PcmFramer, pcmFrameBytes } from './PcmFramer.js';

describe('PcmFramer', () => {
  it('sizes 20 ms frames of mono s16le', () => {
    expect(pcmFrameBytes(16000)).toBe(640);
    expect(pcmFrameBytes(48000)).toBe(1920);
    expect(pcmFrameBytes(8000)).toBe(320);
  });

  it('cuts any chunking into exact frames, in order, keeping the remainder', () => {
    const frames: Buffer[] = [];
    const framer = new PcmFramer(4, (f) => frames.push(f));
    const bytes = Buffer.from(Array.from({ length: 11 }, (_, i) => i));
    framer.push(bytes.subarray(0, 3));
    expect(frames).toEqual([]);
    framer.push(bytes.subarray(3, 10));
    expect(frames.map((f) => [...f])).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
    expect(framer.buffered).toBe(2);
    framer.push(bytes.subarray(10));
    framer.push(Buffer.from([11]));
    expect(frames.map((f) => [...f])).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]);
  });

  it('hands out frames that later chunks do not overwrite', () => {
    const frames: Buffer[] = [];
    const framer = new PcmFramer(2, (f) => frames.push(f));
    framer.push(Buffer.from([1, 2, 3, 4]));
    framer.push(Buffer.from([5, 6]));
    expect(frames.map((f) => [...f])).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it('drops a partial frame on reset', () => {
    const frames: Buffer[] = [];
    const framer = new PcmFramer(4, (f) => frames.push(f));
    framer.push(Buffer.from([1, 2, 3]));
    framer.reset();
    framer.push(Buffer.from([4, 5, 6, 7]));
    expect(frames.map((f) => [...f])).toEqual([[4, 5, 6, 7]]);
  });

  it('refuses odd or empty frame sizes', () => {
    expect(() => new PcmFramer(3, () => {})).toThrow();
    expect(() => new PcmFramer(0, () => {})).toThrow();
  });
});

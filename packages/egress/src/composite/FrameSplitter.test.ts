import { describe, expect, it } from 'vitest';
import { FrameSplitter } from './FrameSplitter.js';

describe('FrameSplitter', () => {
  it('returns a frame only once it is whole, across chunks', () => {
    const splitter = new FrameSplitter(4);
    expect(splitter.push(Buffer.from([1, 2, 3]))).toBeUndefined();
    expect([...splitter.push(Buffer.from([4, 5]))!]).toEqual([1, 2, 3, 4]);
    expect([...splitter.push(Buffer.from([6, 7, 8]))!]).toEqual([5, 6, 7, 8]);
  });

  it('keeps the newest frame intact while the next one fills', () => {
    const splitter = new FrameSplitter(2);
    const first = splitter.push(Buffer.from([1, 1]))!;
    expect(splitter.push(Buffer.from([2]))).toBeUndefined();
    expect([...first]).toEqual([1, 1]);
  });

  it('reports the last whole frame when a chunk holds several', () => {
    const splitter = new FrameSplitter(2);
    const last = splitter.push(Buffer.from([1, 1, 2, 2, 3]))!;
    expect([...last]).toEqual([2, 2]);
  });
});

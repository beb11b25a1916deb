import { describe, expect, it } from 'vitest';
import { FrameSplitter } from './FrameSplitter.js';

describe('FrameSplitter', () => {
  it('returns a frame only once it is whole, across chunks', () => {
    const splitter = new FrameSplitter(4);
    expect(splitter.push(Buffer.from([1, 2, 3]))).toBeUndefined();
    expect([...splitter.push(Buffer.from([4, 5]))!]).toEqual([1, 2, 3, 4]);
    expect([...splitter.push(Buffer.from([6, 7, 8]))!]).toEqual([5, 6, 7, 8]);
  });

  it('keeps only the newest of several frames in one chunk', () => {
    const splitter = new FrameSplitter(2);
    expect([...splitter.push(Buffer.from([1, 1, 2, 2, 3]))!]).toEqual([2, 2]);
    expect([...splitter.push(Buffer.from([3]))!]).toEqual([3, 3]);
  });
});

import { describe, expect, it } from 'vitest';
import { ChangedFrameSplitter } from './ChangedFrameSplitter.js';

const frame = (byte: number): Buffer => Buffer.alloc(4, byte);

describe('ChangedFrameSplitter', () => {
  it('hands out whole frames across arbitrary chunks, the newest of a chunk only', () => {
    const splitter = new ChangedFrameSplitter(4);
    expect(splitter.push(frame(1).subarray(0, 3))).toBeUndefined();
    expect(splitter.push(Buffer.concat([frame(1).subarray(3), frame(2), frame(3).subarray(0, 1)]))).toEqual(frame(2));
    expect(splitter.push(frame(3).subarray(1))).toEqual(frame(3));
    expect(splitter.frames).toBe(3);
  });

  it('keeps the same buffer while the picture does not change, and never writes into the one handed out', () => {
    const splitter = new ChangedFrameSplitter(4);
    const first = splitter.push(frame(7))!;
    expect(first).toEqual(frame(7));
    // The same picture again, and half of a different one: the first buffer stays as it was.
    expect(splitter.push(Buffer.concat([frame(7), frame(9).subarray(0, 2)]))).toBeUndefined();
    expect(first).toEqual(frame(7));
    const second = splitter.push(frame(9).subarray(2))!;
    expect(second).toEqual(frame(9));
    expect(second).not.toBe(first);
    expect(splitter.frames).toBe(3);
  });
});

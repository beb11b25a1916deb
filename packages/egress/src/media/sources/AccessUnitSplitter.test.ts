import { describe, expect, it } from 'vitest';
import { type AccessUnit, AccessUnitSplitter, nalTypes } from './AccessUnitSplitter.js';

const nal = (type: number, body: number[] = [0xaa, 0xbb], long = true) =>
  Buffer.from([...(long ? [0, 0, 0, 1] : [0, 0, 1]), type, ...body]);
// AUD, SPS, PPS, IDR · AUD, non-IDR (3-byte start code) · AUD, non-IDR, non-IDR (two slices)
const idrUnit = Buffer.concat([nal(9, [0xf0]), nal(7), nal(8), nal(5, [0x88, 0x00, 0x00, 0x03, 0x01])]);
const pUnit = Buffer.concat([nal(9, [0xf0]), nal(1, [0x9a], false)]);
const twoSlices = Buffer.concat([nal(9, [0xf0]), nal(1), nal(1)]);
const stream = Buffer.concat([idrUnit, pUnit, twoSlices]);

function split(chunkSize: number, flush = true): AccessUnit[] {
  const units: AccessUnit[] = [];
  const splitter = new AccessUnitSplitter((u) => units.push(u));
  for (let i = 0; i < stream.length; i += chunkSize) splitter.push(stream.subarray(i, i + chunkSize));
  if (flush) splitter.flush();
  return units;
}

describe('AccessUnitSplitter', () => {
  it.each([1, 2, 5, stream.length])('splits at each delimiter whatever the chunking (%i bytes)', (chunk) => {
    const units = split(chunk);
    expect(units.map((u) => u.data)).toEqual([idrUnit, pUnit, twoSlices]);
    expect(units.map((u) => u.keyFrame)).toEqual([true, false, false]);
  });

  it('holds the last unit until the next delimiter (or the end of the stream)', () => {
    expect(split(4, false).map((u) => u.data)).toEqual([idrUnit, pUnit]);
  });

  it('lists the NAL types of a unit', () => {
    expect(nalTypes(idrUnit)).toEqual([9, 7, 8, 5]);
    expect(nalTypes(twoSlices)).toEqual([9, 1, 1]);
  });
});

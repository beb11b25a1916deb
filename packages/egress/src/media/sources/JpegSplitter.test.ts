import { describe, expect, it } from 'vitest';
import { JpegSplitter, pictureEnd } from './JpegSplitter.js';

const segment = (marker: number, body: number[]) => Buffer.from([0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
/** A structurally valid JPEG whose headers and entropy data hold FF D9 / FF 00 / RST traps. */
function picture(fill: number): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xfe, [0xff, 0xd9, fill]), // a comment containing FF D9
    segment(0xdb, [0, 0xff, 0xd9, 5]), // a quantisation table containing FF D9
    segment(0xda, [1, 2, 3]),
    Buffer.from([fill, 0xff, 0x00, 0x12, 0xff, 0xd3, 0x34, 0xff, 0xff]), // stuffing, RST3, a fill byte
    Buffer.from([0xff, 0xd9]),
  ]);
}

function split(stream: Buffer, chunk: number): Buffer[] {
  const pictures: Buffer[] = [];
  const splitter = new JpegSplitter((p) => pictures.push(p));
  for (let i = 0; i < stream.length; i += chunk) splitter.push(stream.subarray(i, i + chunk));
  return pictures;
}

describe('JpegSplitter', () => {
  const a = picture(1);
  const b = picture(2);

  it.each([1, 3, 16, 1000])('returns each picture whole, whatever the chunking (%i bytes)', (chunk) => {
    expect(split(Buffer.concat([a, b, a]), chunk)).toEqual([a, b, a]);
  });

  it('skips bytes between pictures and a broken picture', () => {
    const broken = Buffer.from([0xff, 0xd8, 0x12, 0x34]);
    expect(split(Buffer.concat([Buffer.from([7, 7]), a, broken, b]), 5)).toEqual([a, b]);
  });

  it('says a picture is incomplete until its EOI has arrived', () => {
    expect(pictureEnd(a.subarray(0, a.length - 1), 0)).toBeUndefined();
    expect(pictureEnd(a, 0)).toBe(a.length);
  });
});

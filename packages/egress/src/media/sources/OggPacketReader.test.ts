import { describe, expect, it } from 'vitest';
import { isOpusHeader, OggPacketReader, opusPacketDurationMs } from './OggPacketReader.js';

/** One Ogg page holding these packet pieces (a piece of 255·n bytes continues on the next page unless `ends`). */
function page(pieces: Buffer[], options: { continued?: boolean; lastEnds?: boolean } = {}): Buffer {
  const lacing: number[] = [];
  pieces.forEach((piece, i) => {
    let left = piece.length;
    while (left >= 255) {
      lacing.push(255);
      left -= 255;
    }
    const last = i === pieces.length - 1;
    if (!last || options.lastEnds !== false) lacing.push(left);
  });
  const header = Buffer.alloc(27);
  header.write('OggS', 0);
  header[5] = options.continued ? 1 : 0;
  header[26] = lacing.length;
  return Buffer.concat([header, Buffer.from(lacing), ...pieces]);
}

const bytes = (n: number, fill: number) => Buffer.alloc(n, fill);

function read(stream: Buffer, chunkSize: number): Buffer[] {
  const packets: Buffer[] = [];
  const reader = new OggPacketReader((p) => packets.push(p));
  for (let i = 0; i < stream.length; i += chunkSize) reader.push(stream.subarray(i, i + chunkSize));
  return packets;
}

describe('OggPacketReader', () => {
  const stream = Buffer.concat([
    page([Buffer.from('OpusHead-xxxxxxxxxxx')]),
    page([bytes(3, 1), bytes(300, 2)]),
    // 510 bytes: two lacing values of 255 and a 0 to end it.
    page([bytes(510, 3)]),
    // A packet split over two pages.
    page([bytes(255, 4)], { lastEnds: false }),
    page([bytes(10, 4), bytes(5, 5)], { continued: true }),
  ]);

  it.each([1, 7, 64, stream.length])('returns every packet whole, in order, for chunks of %i bytes', (chunk) => {
    const packets = read(stream, chunk);
    expect(packets.map((p) => [p.length, p[0]])).toEqual([
      [20, 'O'.charCodeAt(0)],
      [3, 1],
      [300, 2],
      [510, 3],
      [265, 4],
      [5, 5],
    ]);
    expect(packets[4]!.every((b) => b === 4)).toBe(true);
  });

  it('skips garbage before a page and resyncs on the capture pattern', () => {
    const packets = read(Buffer.concat([Buffer.from('junkOgg'), page([bytes(4, 9)])]), 3);
    expect(packets.map((p) => [...p])).toEqual([[9, 9, 9, 9]]);
  });

  it('drops an unfinished packet when the next page does not continue it (a lost page)', () => {
    const packets = read(Buffer.concat([page([bytes(255, 1)], { lastEnds: false }), page([bytes(2, 2)])]), 100);
    expect(packets.map((p) => [...p])).toEqual([[2, 2]]);
  });

  it('recognises the Opus header packets', () => {
    expect(isOpusHeader(Buffer.from('OpusHead\x01\x02'))).toBe(true);
    expect(isOpusHeader(Buffer.from('OpusTags....'))).toBe(true);
    expect(isOpusHeader(Buffer.from([0xfc, 0xff, 0xfe]))).toBe(false);
  });

  it('reads an Opus packet duration from its TOC byte', () => {
    // config 31 (CELT FB 20 ms), code 0: one frame, mono (0xf8) or stereo (0xfc).
    expect(opusPacketDurationMs(Buffer.from([0xf8]))).toBe(20);
    expect(opusPacketDurationMs(Buffer.from([0xfc]))).toBe(20);
    // config 1 (SILK NB 20 ms), code 1: two frames.
    expect(opusPacketDurationMs(Buffer.from([(1 << 3) | 1]))).toBe(40);
    // config 28 (CELT FB 2.5 ms), code 3 with 4 frames.
    expect(opusPacketDurationMs(Buffer.from([(28 << 3) | 3, 4]))).toBe(10);
    // config 13 (hybrid FB 20 ms).
    expect(opusPacketDurationMs(Buffer.from([13 << 3]))).toBe(20);
  });
});

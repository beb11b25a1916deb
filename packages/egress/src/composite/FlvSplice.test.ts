import { describe, expect, it } from 'vitest';
import { type FlvTag, FlvTagReader } from '../fanout/FlvTagReader.js';
import { FlvSplice } from './FlvSplice.js';

const HEADER = Buffer.from([0x46, 0x4c, 0x56, 1, 5, 0, 0, 0, 9, 0, 0, 0, 0]);

/** One FLV tag as an encoder writes it: 11-byte header, body, PreviousTagSize. */
function rawTag(type: 8 | 9 | 18, timestampMs: number, body: number[]): Buffer {
  const tag = Buffer.alloc(11 + body.length + 4);
  tag[0] = type;
  tag.writeUIntBE(body.length, 1, 3);
  tag.writeUIntBE(timestampMs & 0xffffff, 4, 3);
  tag[7] = timestampMs >>> 24;
  Buffer.from(body).copy(tag, 11);
  tag.writeUInt32BE(11 + body.length, 11 + body.length);
  return tag;
}

/** An encoder run's output: header, metadata, AVC sequence header, keyframe, audio, inter frame. */
function run(): FlvTag[] {
  const bytes = Buffer.concat([
    HEADER,
    rawTag(18, 0, [2, 0, 10]),
    rawTag(9, 0, [0x17, 0, 0, 0, 0]),
    rawTag(9, 0, [0x17, 1, 0, 0, 0]),
    rawTag(8, 10, [0xaf, 1]),
    rawTag(9, 33, [0x27, 1, 0, 0, 0]),
  ]);
  return new FlvTagReader().push(bytes);
}

class Collector {
  headers: Buffer[] = [];
  tags: FlvTag[] = [];
  setHeader(header: Buffer): void {
    this.headers.push(header);
  }
  push(tags: readonly FlvTag[]): void {
    this.tags.push(...tags);
  }
}

describe('FlvSplice', () => {
  it('passes the first run unchanged', () => {
    const out = new Collector();
    const splice = new FlvSplice(out, () => 0);
    splice.nextRun();
    splice.setHeader(HEADER);
    splice.push(run());
    expect(out.headers).toEqual([HEADER]);
    expect(out.tags.map((t) => [t.type, t.timestampMs])).toEqual([['script', 0], ['video', 0], ['video', 0], ['audio', 10], ['video', 33]]);
  });

  it('continues a restarted run forward by the time it was down, without a second header or metadata', () => {
    const out = new Collector();
    let now = 0;
    const splice = new FlvSplice(out, () => now);
    splice.nextRun();
    splice.setHeader(HEADER);
    splice.push(run());
    now = 700; // the encoder died and a new one started
    splice.nextRun();
    splice.setHeader(HEADER);
    splice.push(run());
    expect(out.headers).toHaveLength(1);
    const second = out.tags.slice(5);
    expect(second.map((t) => [t.type, t.sequenceHeader, t.timestampMs])).toEqual([
      ['video', true, 733],
      ['video', false, 733],
      ['audio', false, 743],
      ['video', false, 766],
    ]);
    // The bytes say so too: what the relays read is what the timestamps above claim.
    const reread = new FlvTagReader().push(Buffer.concat([HEADER, ...second.map((t) => t.bytes)]));
    expect(reread.map((t) => t.timestampMs)).toEqual([733, 733, 743, 766]);
  });

  it('writes timestamps past 24 bits into the extended byte', () => {
    const out = new Collector();
    let now = 0;
    const splice = new FlvSplice(out, () => now);
    splice.nextRun();
    splice.push([{ type: 'video', timestampMs: 0x00fffff0, keyframe: true, sequenceHeader: false, bytes: rawTag(9, 0x00fffff0, [0x17, 1]) }]);
    now = 100;
    splice.nextRun();
    splice.push([{ type: 'video', timestampMs: 0, keyframe: true, sequenceHeader: false, bytes: rawTag(9, 0, [0x17, 1]) }]);
    const [tag] = new FlvTagReader().push(Buffer.concat([HEADER, out.tags[1]!.bytes]));
    expect(tag!.timestampMs).toBe(0x00fffff0 + 100);
  });
});

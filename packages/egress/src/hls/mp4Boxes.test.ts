import { describe, expect, it } from 'vitest';
import { parseFragment } from './fragment.js';
import { avcCodec, mp4aCodec, parseInitSegment } from './initSegment.js';
import { childBoxes } from './mp4Boxes.js';
import { Mp4BoxReader } from './Mp4BoxReader.js';
import { PartSplitter } from './PartSplitter.js';
import { box, largeBox, syntheticFragment, syntheticInit, type SyntheticTrack, u32 } from './syntheticMp4.js';

const VIDEO: SyntheticTrack = { id: 1, kind: 'video', timescale: 90000 };
const AUDIO: SyntheticTrack = { id: 2, kind: 'audio', timescale: 48000 };

function readInChunks(stream: Buffer, size: number): Array<{ type: string; length: number }> {
  const reader = new Mp4BoxReader();
  const boxes = [];
  for (let i = 0; i < stream.length; i += size) boxes.push(...reader.push(stream.subarray(i, i + size)));
  expect(reader.buffered).toBe(0);
  return boxes.map((b) => ({ type: b.type, length: b.bytes.length }));
}

describe('MP4 box stream', () => {
  const stream = Buffer.concat([box('ftyp', Buffer.alloc(12)), box('moov', Buffer.alloc(40)), box('moof', Buffer.alloc(3)), largeBox('mdat', Buffer.alloc(1000, 1)), box('free')]);
  const expected = [
    { type: 'ftyp', length: 20 },
    { type: 'moov', length: 48 },
    { type: 'moof', length: 11 },
    { type: 'mdat', length: 1016 },
    { type: 'free', length: 8 },
  ];

  it('cuts top-level boxes as they complete, whatever the chunking, 64-bit sizes included', () => {
    for (const size of [1, 7, 15, 16, 17, 64, stream.length]) expect(readInChunks(stream, size)).toEqual(expected);
  });

  it('holds an incomplete box back until its last byte', () => {
    const reader = new Mp4BoxReader();
    expect(reader.push(stream.subarray(0, 30))).toHaveLength(1);
    expect(reader.buffered).toBe(10);
    expect(reader.push(stream.subarray(30, 67))).toHaveLength(0);
    expect(reader.push(stream.subarray(67, 68)).map((b) => b.type)).toEqual(['moov']);
  });

  it('refuses sizes a stream cannot have', () => {
    expect(() => new Mp4BoxReader().push(Buffer.concat([u32(4), Buffer.from('moof')]))).toThrow(/invalid MP4 box size/);
    expect(() => new Mp4BoxReader().push(Buffer.concat([u32(0), Buffer.from('mdat')]))).toThrow(/unbounded/);
    expect(() => [...childBoxes(Buffer.concat([u32(100), Buffer.from('trak')]))]).toThrow(/invalid MP4 box size/);
  });
});

describe('init segment', () => {
  it('reads track ids, kinds, timescales, trex defaults and the codecs, video first', () => {
    const init = parseInitSegment(syntheticInit([{ ...AUDIO, trexDuration: 1024 }, { ...VIDEO, profile: [0x64, 0x00, 0x1f], trexFlags: 0x10000 }]));
    expect(init.codecs).toBe('avc1.64001f,mp4a.40.2');
    expect(init.tracks).toEqual([
      { id: 2, kind: 'audio', timescale: 48000, codec: 'mp4a.40.2', defaultSampleDuration: 1024, defaultSampleFlags: 0 },
      { id: 1, kind: 'video', timescale: 90000, codec: 'avc1.64001f', defaultSampleDuration: 0, defaultSampleFlags: 0x10000 },
    ]);
  });

  it('writes profile, constraints and level as hex, and the AAC object type (escape code too)', () => {
    expect(avcCodec('avc1', Buffer.from([1, 0x42, 0xc0, 0x0d]))).toBe('avc1.42c00d');
    expect(parseInitSegment(syntheticInit([{ ...AUDIO, audioObjectType: 5 }])).codecs).toBe('mp4a.40.5');
    expect(parseInitSegment(syntheticInit([{ ...AUDIO, audioObjectType: 42 }])).codecs).toBe('mp4a.40.42');
    expect(mp4aCodec(Buffer.from([0x09]))).toBe('mp4a.40.2');
  });

  it('refuses an init segment without moov', () => {
    expect(() => parseInitSegment(box('ftyp', Buffer.alloc(8)))).toThrow(/no moov/);
  });
});

describe('fragments', () => {
  const tracks = parseInitSegment(syntheticInit([{ ...VIDEO, trexDuration: 3000, trexFlags: 0x10000 }, AUDIO])).tracks;
  const moofOf = (fragment: Buffer) => fragment.subarray(0, fragment.readUInt32BE(0));

  it('sums sample durations per track and reads the 64-bit decode time and the first sample flags', () => {
    const fragment = syntheticFragment(1, [
      { id: 1, decodeTime: 2 ** 40, durations: [3000, 3000, 3003], sync: true },
      { id: 2, decodeTime: 96000, durations: [1024, 1024], sync: true, flagsIn: 'each' },
    ]);
    expect(parseFragment(moofOf(fragment), tracks)).toEqual([
      { trackId: 1, decodeTime: 2 ** 40, duration: 9003, sampleCount: 3, startsWithSync: true },
      { trackId: 2, decodeTime: 96000, duration: 2048, sampleCount: 2, startsWithSync: true },
    ]);
  });

  it('falls back on tfhd, then trex, for durations and flags', () => {
    const fromTfhd = syntheticFragment(1, [{ id: 1, decodeTime: 0, defaultDuration: { duration: 1500, count: 4 }, sync: false, flagsIn: 'tfhd' }]);
    expect(parseFragment(moofOf(fromTfhd), tracks)[0]).toMatchObject({ duration: 6000, startsWithSync: false });
    const fromTrex = syntheticFragment(1, [{ id: 1, decodeTime: 0, defaultDuration: { duration: 1500, count: 2 }, sync: true, flagsIn: 'trex' }]);
    // The trex default says "not a sync sample".
    expect(parseFragment(moofOf(fromTrex), tracks)[0]).toMatchObject({ duration: 3000, startsWithSync: false });
    const eachNonSync = syntheticFragment(1, [{ id: 1, decodeTime: 0, durations: [3000, 3000], sync: false, flagsIn: 'each' }]);
    expect(parseFragment(moofOf(eachNonSync), tracks)[0]?.startsWithSync).toBe(false);
  });
});

describe('part splitter', () => {
  const init = syntheticInit([VIDEO, AUDIO]);
  const part = (seq: number, sync: boolean, videoStart: number) =>
    syntheticFragment(seq, [
      { id: 1, decodeTime: videoStart, durations: Array(10).fill(3000), sync },
      { id: 2, decodeTime: videoStart / 1.875, durations: Array(15).fill(1024), sync: true },
    ]);

  it('hands out the init segment, then one part per moof+mdat timed by the video track', () => {
    const splitter = new PartSplitter();
    const stream = Buffer.concat([init, box('free'), part(1, true, 9000), part(2, false, 39000)]);
    const out = [];
    for (let i = 0; i < stream.length; i += 100) out.push(...splitter.push(stream.subarray(i, i + 100)));
    expect(out.map((o) => o.kind)).toEqual(['init', 'part', 'part']);
    expect(out[0]?.bytes.equals(init)).toBe(true);
    expect(splitter.init?.codecs).toBe('avc1.64001f,mp4a.40.2');
    expect(out.slice(1).map((o) => (o.kind === 'part' ? o.part : undefined))).toEqual([
      { durationS: 30000 / 90000, startS: 0.1, independent: true },
      { durationS: 30000 / 90000, startS: 39000 / 90000, independent: false },
    ]);
    expect(out[1]?.bytes.equals(part(1, true, 9000))).toBe(true);
  });

  it('times a fragment without video by its audio, as a part a player cannot start at', () => {
    const splitter = new PartSplitter();
    splitter.push(init);
    const [audioOnly] = splitter.push(syntheticFragment(1, [{ id: 2, decodeTime: 0, durations: [1024, 1024], sync: true }]));
    expect(audioOnly).toMatchObject({ kind: 'part', part: { durationS: 2048 / 48000, independent: false } });
  });

  it('refuses a fragment before the init segment, and a second moov', () => {
    expect(() => new PartSplitter().push(part(1, true, 0))).toThrow(/before the init segment/);
    const splitter = new PartSplitter();
    splitter.push(init);
    expect(() => splitter.push(init)).toThrow(/second moov/);
  });
});

/**
 * Small, valid ISO BMFF boxes built by hand, for unit tests of the box parsing (the int test
 * checks the same code on FFmpeg's real output).
 */
export const u8 = (...values: number[]): Buffer => Buffer.from(values);
export function u16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(value);
  return b;
}
export function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}
export function u64(value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(value));
  return b;
}

export function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(8 + body.length), Buffer.from(type, 'latin1'), body]);
}

/** A box with a 64-bit largesize header. */
export function largeBox(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(1), Buffer.from(type, 'latin1'), u64(16 + body.length), body]);
}

export function fullBox(type: string, version: number, flags: number, ...payload: Buffer[]): Buffer {
  return box(type, u32(((version << 24) | flags) >>> 0), ...payload);
}

export interface SyntheticTrack {
  id: number;
  kind: 'video' | 'audio';
  timescale: number;
  /** avcC profile, compatibility, level (video); audio object type (audio). */
  profile?: [number, number, number];
  audioObjectType?: number;
  trexDuration?: number;
  trexFlags?: number;
}

function descriptor(tag: number, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  // The 4-byte size form FFmpeg writes: 0x80 0x80 0x80 size.
  return Buffer.concat([u8(tag, 0x80, 0x80, 0x80, body.length), body]);
}

function sampleEntry(track: SyntheticTrack): Buffer {
  if (track.kind === 'video') {
    const [profile, compat, level] = track.profile ?? [0x64, 0x00, 0x1f];
    return box('avc1', Buffer.alloc(78), box('avcC', u8(1, profile, compat, level, 0xff, 0xe0, 0x00)));
  }
  const aot = track.audioObjectType ?? 2;
  const specific = aot >= 31 ? u8((31 << 3) | ((aot - 32) >> 3), ((aot - 32) & 7) << 5) : u8((aot << 3) | 1, 0x90);
  const config = descriptor(0x04, u8(0x40, 0x15), Buffer.alloc(3), u32(128000), u32(128000), descriptor(0x05, specific));
  const esds = fullBox('esds', 0, 0, descriptor(0x03, u16(1), u8(0), config, descriptor(0x06, u8(2))));
  return box('mp4a', Buffer.alloc(28), esds);
}

function trak(track: SyntheticTrack): Buffer {
  const tkhd = fullBox('tkhd', 0, 3, u32(0), u32(0), u32(track.id), Buffer.alloc(68));
  const mdhd = fullBox('mdhd', 0, 0, u32(0), u32(0), u32(track.timescale), u32(0), u32(0));
  const hdlr = fullBox('hdlr', 0, 0, u32(0), Buffer.from(track.kind === 'video' ? 'vide' : 'soun'), Buffer.alloc(12), u8(0));
  const stsd = fullBox('stsd', 0, 0, u32(1), sampleEntry(track));
  return box('trak', tkhd, box('mdia', mdhd, hdlr, box('minf', box('stbl', stsd))));
}

/** ftyp + moov with the tracks and their trex defaults. */
export function syntheticInit(tracks: SyntheticTrack[]): Buffer {
  const trex = tracks.map((t) => fullBox('trex', 0, 0, u32(t.id), u32(1), u32(t.trexDuration ?? 0), u32(0), u32(t.trexFlags ?? 0)));
  const moov = box('moov', fullBox('mvhd', 0, 0, Buffer.alloc(96)), ...tracks.map(trak), box('mvex', ...trex));
  return Buffer.concat([box('ftyp', Buffer.from('iso6'), u32(512), Buffer.from('iso6cmfc')), moov]);
}

export interface SyntheticTraf {
  id: number;
  decodeTime: number;
  /** Per-sample durations in the trun; or `defaultDuration` in the tfhd with this many samples. */
  durations?: number[];
  defaultDuration?: { duration: number; count: number };
  /** Sample flags: first-sample-flags in the trun (default), per sample, or left to the defaults. */
  sync: boolean;
  flagsIn?: 'first' | 'each' | 'tfhd' | 'trex';
}

const NON_SYNC_FLAGS = 0x01010000;
const SYNC_FLAGS = 0x02000000;

function traf(t: SyntheticTraf): Buffer {
  const count = t.durations?.length ?? t.defaultDuration?.count ?? 0;
  const flagsIn = t.flagsIn ?? 'first';
  const first = t.sync ? SYNC_FLAGS : NON_SYNC_FLAGS;
  let tfhdFlags = 0x020000; // default-base-is-moof
  const tfhdFields = [u32(t.id)];
  if (t.defaultDuration) {
    tfhdFlags |= 0x08;
    tfhdFields.push(u32(t.defaultDuration.duration));
  }
  if (flagsIn === 'tfhd') {
    tfhdFlags |= 0x20;
    tfhdFields.push(u32(first));
  }
  let trunFlags = 0x01 | 0x200; // data offset, sizes
  if (t.durations) trunFlags |= 0x100;
  if (flagsIn === 'first') trunFlags |= 0x04;
  if (flagsIn === 'each') trunFlags |= 0x400;
  const samples = Array.from({ length: count }, (_, i) => Buffer.concat([
    ...(t.durations ? [u32(t.durations[i]!)] : []),
    u32(4),
    ...(flagsIn === 'each' ? [u32(i === 0 ? first : NON_SYNC_FLAGS)] : []),
  ]));
  const trun = fullBox('trun', 0, trunFlags, u32(count), u32(0), ...(flagsIn === 'first' ? [u32(first)] : []), ...samples);
  return box('traf', fullBox('tfhd', 0, tfhdFlags, ...tfhdFields), fullBox('tfdt', 1, 0, u64(t.decodeTime)), trun);
}

/** moof + mdat (the mdat holds 4 bytes per sample). */
export function syntheticFragment(sequence: number, trafs: SyntheticTraf[]): Buffer {
  const samples = trafs.reduce((n, t) => n + (t.durations?.length ?? t.defaultDuration?.count ?? 0), 0);
  return Buffer.concat([box('moof', fullBox('mfhd', 0, 0, u32(sequence)), ...trafs.map(traf)), box('mdat', Buffer.alloc(samples * 4, 7))]);
}

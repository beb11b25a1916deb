import { type Box, childBoxes, childrenOf, findBox, fullBoxHeader, readUint } from './mp4Boxes.js';

export interface TrackInfo {
  id: number;
  kind: 'video' | 'audio' | 'other';
  /** Ticks per second of the track's media times (mdhd). */
  timescale: number;
  /** RFC 6381 codec string, e.g. 'avc1.64001f' or 'mp4a.40.2'. */
  codec: string;
  /** trex defaults, for fragments whose tfhd and trun leave them out. */
  defaultSampleDuration: number;
  defaultSampleFlags: number;
}

export interface InitSegment {
  tracks: TrackInfo[];
  /** The CODECS attribute of the master playlist: video first, then audio. */
  codecs: string;
}

/** Reads tracks, timescales and codec strings from an init segment (ftyp + moov, or moov alone). */
export function parseInitSegment(buf: Buffer): InitSegment {
  const moov = [...childBoxes(buf)].find((box) => box.type === 'moov');
  if (!moov) throw new Error('init segment has no moov');
  const defaults = trexDefaults(buf, moov);
  const tracks = childrenOf(buf, moov, 'trak').map((trak) => trackInfo(buf, trak, defaults));
  const order = { video: 0, audio: 1, other: 2 };
  const codecs = [...tracks].sort((a, b) => order[a.kind] - order[b.kind]).filter((t) => t.kind !== 'other').map((t) => t.codec);
  return { tracks, codecs: codecs.join(',') };
}

type TrexDefaults = Map<number, { duration: number; flags: number }>;

function trexDefaults(buf: Buffer, moov: Box): TrexDefaults {
  const defaults: TrexDefaults = new Map();
  const mvex = findBox(buf, ['mvex'], moov.start, moov.end);
  for (const trex of mvex ? childrenOf(buf, mvex, 'trex') : []) {
    // trex: full box header, track_ID, default description index, duration, size, flags.
    defaults.set(buf.readUInt32BE(trex.start + 4), { duration: buf.readUInt32BE(trex.start + 12), flags: buf.readUInt32BE(trex.start + 20) });
  }
  return defaults;
}

function trackInfo(buf: Buffer, trak: Box, defaults: TrexDefaults): TrackInfo {
  const tkhd = required(findBox(buf, ['tkhd'], trak.start, trak.end), 'tkhd');
  const id = buf.readUInt32BE(tkhd.start + (fullBoxHeader(buf, tkhd).version === 1 ? 20 : 12));
  const mdhd = required(findBox(buf, ['mdia', 'mdhd'], trak.start, trak.end), 'mdhd');
  const timescale = readUint(buf, mdhd.start + (fullBoxHeader(buf, mdhd).version === 1 ? 20 : 12), 32);
  const hdlr = required(findBox(buf, ['mdia', 'hdlr'], trak.start, trak.end), 'hdlr');
  const handler = buf.toString('latin1', hdlr.start + 8, hdlr.start + 12);
  const kind = handler === 'vide' ? 'video' : handler === 'soun' ? 'audio' : 'other';
  const stsd = findBox(buf, ['mdia', 'minf', 'stbl', 'stsd'], trak.start, trak.end);
  const codec = stsd ? sampleEntryCodec(buf, stsd) : '';
  const trex = defaults.get(id) ?? { duration: 0, flags: 0 };
  return { id, kind, timescale, codec, defaultSampleDuration: trex.duration, defaultSampleFlags: trex.flags };
}

/** Payload bytes of a visual / audio sample entry before its child boxes (ISO 14496-12 §12.1, §12.2). */
const VISUAL_ENTRY_FIELDS = 78;
const AUDIO_ENTRY_FIELDS = 28;

function sampleEntryCodec(buf: Buffer, stsd: Box): string {
  // stsd: full box header, entry count, then the sample entries.
  const [entry] = childBoxes(buf, stsd.start + 8, stsd.end);
  if (!entry) return '';
  if (entry.type === 'avc1' || entry.type === 'avc3') {
    const avcC = findBox(buf, ['avcC'], entry.start + VISUAL_ENTRY_FIELDS, entry.end);
    return avcC ? avcCodec(entry.type, buf.subarray(avcC.start, avcC.end)) : entry.type;
  }
  if (entry.type === 'mp4a') {
    const esds = findBox(buf, ['esds'], entry.start + AUDIO_ENTRY_FIELDS, entry.end);
    return esds ? mp4aCodec(buf.subarray(esds.start + 4, esds.end)) : 'mp4a.40.2';
  }
  return entry.type;
}

/** avc1.PPCCLL: profile, constraint flags and level from the AVCDecoderConfigurationRecord (RFC 6381 §3.3). */
export function avcCodec(type: string, avcC: Buffer): string {
  const hex = (i: number) => (avcC[i] ?? 0).toString(16).padStart(2, '0');
  return `${type}.${hex(1)}${hex(2)}${hex(3)}`;
}

/** mp4a.40.<audio object type> from the esds descriptors (ISO 14496-1 §7.2.6, 14496-3 §1.6.2.1). */
export function mp4aCodec(descriptors: Buffer): string {
  const es = readDescriptor(descriptors, 0);
  if (!es || es.tag !== 0x03) return 'mp4a.40.2';
  const flags = descriptors[es.start + 2] ?? 0;
  let offset = es.start + 3;
  if (flags & 0x80) offset += 2; // dependsOn_ES_ID
  if (flags & 0x40) offset += 1 + (descriptors[offset] ?? 0); // URL
  if (flags & 0x20) offset += 2; // OCR_ES_Id
  const config = readDescriptor(descriptors, offset);
  if (!config || config.tag !== 0x04) return 'mp4a.40.2';
  const objectType = descriptors[config.start] ?? 0x40;
  const specific = readDescriptor(descriptors, config.start + 13);
  if (objectType !== 0x40 || !specific || specific.tag !== 0x05) return `mp4a.${objectType.toString(16)}`;
  const first = descriptors[specific.start] ?? 0;
  let audioObjectType = first >> 3;
  if (audioObjectType === 31) audioObjectType = 32 + (((first & 0x07) << 3) | ((descriptors[specific.start + 1] ?? 0) >> 5));
  return `mp4a.40.${audioObjectType}`;
}

/** An MPEG-4 descriptor: tag, then a size in 1-4 bytes of 7 bits each. */
function readDescriptor(buf: Buffer, offset: number): { tag: number; start: number } | undefined {
  if (offset >= buf.length) return undefined;
  const tag = buf[offset]!;
  let i = offset + 1;
  for (let n = 0; n < 4 && i < buf.length; n++) if ((buf[i++]! & 0x80) === 0) break;
  return { tag, start: i };
}

function required(box: Box | undefined, type: string): Box {
  if (!box) throw new Error(`init segment track has no ${type}`);
  return box;
}

import type { TrackInfo } from './initSegment.js';
import { type Box, childrenOf, findBox, fullBoxHeader, readUint } from './mp4Boxes.js';

/** What one moof says about one track's samples. */
export interface TrackFragment {
  trackId: number;
  /** tfdt baseMediaDecodeTime, in the track's timescale. */
  decodeTime: number;
  /** Sum of the sample durations, in the track's timescale. */
  duration: number;
  sampleCount: number;
  /** The first sample is a sync sample (a keyframe: a player can start here). */
  startsWithSync: boolean;
}

/** sample_is_non_sync_sample in the sample flags (ISO 14496-12 §8.8.3.1). */
const NON_SYNC = 0x10000;

const TFHD = { baseDataOffset: 0x01, descriptionIndex: 0x02, duration: 0x08, size: 0x10, flags: 0x20 };
const TRUN = { dataOffset: 0x01, firstSampleFlags: 0x04, duration: 0x100, size: 0x200, flags: 0x400, compositionOffset: 0x800 };

/** Reads every traf of a moof box (the whole box, header included). */
export function parseFragment(moof: Buffer, tracks: TrackInfo[]): TrackFragment[] {
  const body: Box = { type: 'moof', start: 8, end: moof.length };
  return childrenOf(moof, body, 'traf').map((traf) => trackFragment(moof, traf, tracks));
}

function trackFragment(buf: Buffer, traf: Box, tracks: TrackInfo[]): TrackFragment {
  const tfhd = findBox(buf, ['tfhd'], traf.start, traf.end);
  if (!tfhd) throw new Error('traf without tfhd');
  const header = tfhdDefaults(buf, tfhd);
  const track = tracks.find((t) => t.id === header.trackId);
  const defaults = {
    duration: header.duration ?? track?.defaultSampleDuration ?? 0,
    flags: header.flags ?? track?.defaultSampleFlags ?? 0,
  };
  const tfdt = findBox(buf, ['tfdt'], traf.start, traf.end);
  const decodeTime = tfdt ? readUint(buf, tfdt.start + 4, fullBoxHeader(buf, tfdt).version === 1 ? 64 : 32) : 0;
  let duration = 0;
  let sampleCount = 0;
  let firstFlags: number | undefined;
  for (const trun of childrenOf(buf, traf, 'trun')) {
    const run = readTrun(buf, trun, defaults);
    duration += run.duration;
    sampleCount += run.sampleCount;
    firstFlags ??= run.firstFlags;
  }
  return { trackId: header.trackId, decodeTime, duration, sampleCount, startsWithSync: ((firstFlags ?? defaults.flags) & NON_SYNC) === 0 };
}

function tfhdDefaults(buf: Buffer, tfhd: Box): { trackId: number; duration?: number; flags?: number } {
  const { flags } = fullBoxHeader(buf, tfhd);
  let offset = tfhd.start + 4;
  const trackId = buf.readUInt32BE(offset);
  offset += 4;
  if (flags & TFHD.baseDataOffset) offset += 8;
  if (flags & TFHD.descriptionIndex) offset += 4;
  const duration = flags & TFHD.duration ? buf.readUInt32BE(offset) : undefined;
  if (flags & TFHD.duration) offset += 4;
  if (flags & TFHD.size) offset += 4;
  const sampleFlags = flags & TFHD.flags ? buf.readUInt32BE(offset) : undefined;
  return { trackId, duration, flags: sampleFlags };
}

function readTrun(buf: Buffer, trun: Box, defaults: { duration: number; flags: number }) {
  const { flags } = fullBoxHeader(buf, trun);
  let offset = trun.start + 4;
  const sampleCount = buf.readUInt32BE(offset);
  offset += 4;
  if (flags & TRUN.dataOffset) offset += 4;
  let firstFlags: number | undefined;
  if (flags & TRUN.firstSampleFlags) {
    firstFlags = buf.readUInt32BE(offset);
    offset += 4;
  }
  const fieldBytes = [TRUN.duration, TRUN.size, TRUN.flags, TRUN.compositionOffset].filter((f) => flags & f).length * 4;
  if (offset + sampleCount * fieldBytes > trun.end) throw new Error('trun longer than its box');
  let duration = 0;
  for (let i = 0; i < sampleCount; i++) {
    let field = offset + i * fieldBytes;
    duration += flags & TRUN.duration ? buf.readUInt32BE(field) : defaults.duration;
    if (flags & TRUN.duration) field += 4;
    if (flags & TRUN.size) field += 4;
    if (i === 0 && firstFlags === undefined) firstFlags = flags & TRUN.flags ? buf.readUInt32BE(field) : defaults.flags;
  }
  return { duration, sampleCount, firstFlags: sampleCount > 0 ? firstFlags : undefined };
}

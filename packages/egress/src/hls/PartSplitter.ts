import { type TrackFragment, parseFragment } from './fragment.js';
import { type InitSegment, parseInitSegment, type TrackInfo } from './initSegment.js';
import type { PartInput } from './HlsTimeline.js';
import { Mp4BoxReader } from './Mp4BoxReader.js';

export type SplitOutput =
  | { kind: 'init'; bytes: Buffer; init: InitSegment }
  | { kind: 'part'; bytes: Buffer; part: PartInput };

/**
 * Turns the remux's fragmented MP4 into an init segment (ftyp + moov) and parts (one moof + its
 * mdat each), with each part's duration, start and keyframe read from its main track: the video
 * track, or the first track of an audio-only stream. Throws on output it cannot read.
 */
export class PartSplitter {
  readonly #reader = new Mp4BoxReader();
  #ftyp: Buffer | undefined;
  #init: InitSegment | undefined;
  #main: TrackInfo | undefined;
  #moof: Buffer | undefined;

  get init(): InitSegment | undefined {
    return this.#init;
  }

  push(chunk: Buffer): SplitOutput[] {
    const out: SplitOutput[] = [];
    for (const box of this.#reader.push(chunk)) {
      if (box.type === 'ftyp') this.#ftyp = box.bytes;
      else if (box.type === 'moov') out.push(this.#onMoov(box.bytes));
      else if (box.type === 'moof') this.#moof = box.bytes;
      else if (box.type === 'mdat' && this.#moof) {
        out.push(this.#onPart(this.#moof, box.bytes));
        this.#moof = undefined;
      }
      // Anything else (styp, sidx, free) is not part of a part.
    }
    return out;
  }

  #onMoov(moov: Buffer): SplitOutput {
    if (this.#init) throw new Error('a second moov in the stream');
    const bytes = this.#ftyp ? Buffer.concat([this.#ftyp, moov]) : moov;
    const init = parseInitSegment(bytes);
    this.#main = init.tracks.find((t) => t.kind === 'video') ?? init.tracks[0];
    if (!this.#main || !(this.#main.timescale > 0)) throw new Error('init segment without a usable track');
    this.#init = init;
    return { kind: 'init', bytes, init };
  }

  #onPart(moof: Buffer, mdat: Buffer): SplitOutput {
    const main = this.#main;
    if (!main || !this.#init) throw new Error('a fragment before the init segment');
    const fragments = parseFragment(moof, this.#init.tracks);
    const own = fragments.find((f) => f.trackId === main.id && f.sampleCount > 0);
    const part = own ? partOf(own, main) : partWithoutMain(fragments, this.#init.tracks);
    return { kind: 'part', bytes: Buffer.concat([moof, mdat]), part };
  }
}

function partOf(fragment: TrackFragment, track: TrackInfo): PartInput {
  return { durationS: fragment.duration / track.timescale, startS: fragment.decodeTime / track.timescale, independent: fragment.startsWithSync };
}

/** A fragment with no video (it should not happen): timed by its longest track, and not a place to start. */
function partWithoutMain(fragments: TrackFragment[], tracks: TrackInfo[]): PartInput {
  let best: PartInput = { durationS: 0, startS: 0, independent: false };
  for (const fragment of fragments) {
    const track = tracks.find((t) => t.id === fragment.trackId);
    if (track && track.timescale > 0 && fragment.duration / track.timescale > best.durationS) best = { ...partOf(fragment, track), independent: false };
  }
  return best;
}

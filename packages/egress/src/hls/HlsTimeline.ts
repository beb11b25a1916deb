import { INIT_NAME } from './names.js';

/** One partial segment: one moof+mdat of the remux, about a part target long. */
export interface Part {
  /** Position in the whole stream (0, 1, 2…): part file names use it, so the next name is known in advance. */
  index: number;
  durationS: number;
  /** Starts with a keyframe: a player may start decoding here (INDEPENDENT=YES). */
  independent: boolean;
}

export interface Segment {
  msn: number;
  parts: Part[];
  durationS: number;
  /** Wall-clock time of the segment's first sample (EXT-X-PROGRAM-DATE-TIME). */
  programDateTime: Date;
  /** Its init segment (EXT-X-MAP): each run of the remux has its own. */
  init: string;
  /** The first segment of a resumed run: EXT-X-DISCONTINUITY before it. */
  discontinuity: boolean;
}

/**
 * What a rendition keeps on disk so that the next egress process resumes its playlist (issue 13,
 * Deliver 3): the complete segments (their files exist), and where numbering goes on.
 */
export interface TimelineSnapshot {
  segments: Array<{ msn: number; durationS: number; programDateTime: string; init: string; discontinuity: boolean }>;
  /** The msn of the next segment: the unfinished one's (its file was never written, so the number is free). */
  nextMsn: number;
  /** Part file names are never reused: a player or cache may hold one. */
  nextPartIndex: number;
  /** Discontinuities that left the window (EXT-X-DISCONTINUITY-SEQUENCE). */
  discontinuitySequence: number;
  longestS: number;
  /** Media time where the last part ended: a resumed run's timestamps continue from here. */
  mediaEndS: number;
  /** Runs before this one (0: the first); names the init segment. */
  run: number;
}

export interface TimelineOptions {
  segmentTargetS: number;
  partTargetS: number;
  /** Complete segments kept in the live window; ignored with keepAll. */
  windowSegments: number;
  keepAll: boolean;
}

/** A part as the remux produced it: duration and decode time of its main track. */
export interface PartInput {
  durationS: number;
  independent: boolean;
  /** Media time of its first sample. */
  startS: number;
}

export interface PartAdded {
  msn: number;
  /** Index of the part in its segment. */
  partInSegment: number;
  part: Part;
  /** The segment this part closed (it starts the next one), if any. */
  closed?: Segment;
  /** Segments that left the window: their files can go. */
  removed: Segment[];
}

/**
 * Which part belongs to which segment, and which segments are in the window. Pure: the rendition
 * writes the files first and records them here after, so the playlist lists only what exists.
 */
export class HlsTimeline {
  readonly #options: TimelineOptions;
  readonly #segments: Segment[] = [];
  #current: Segment | undefined;
  #nextPartIndex = 0;
  #nextMsn = 0;
  #ended = false;
  /** This run's number (0, or one more than the snapshot resumed) and its init segment's name. */
  readonly run: number;
  readonly initName: string;
  #discontinuitySequence = 0;
  /** A resumed timeline's first segment follows a discontinuity. */
  #discontinuityNext = false;
  #mediaEndS = 0;
  /** Wall clock and media time of the first part: PROGRAM-DATE-TIME follows the media from there. */
  #anchor: { wallMs: number; mediaS: number } | undefined;
  /** The longest segment so far, for TARGETDURATION. */
  #longestS = 0;

  /** A fresh timeline, or (with `resumed`) one that goes on after an earlier run's last complete segment. */
  constructor(options: TimelineOptions, resumed?: TimelineSnapshot) {
    this.#options = options;
    this.run = resumed ? resumed.run + 1 : 0;
    this.initName = initName(this.run);
    if (resumed) this.#restore(resumed);
  }

  /** The whole state a later run needs, JSON-safe. */
  snapshot(): TimelineSnapshot {
    return {
      segments: this.#segments.map((s) => ({ msn: s.msn, durationS: s.durationS, programDateTime: s.programDateTime.toISOString(), init: s.init, discontinuity: s.discontinuity })),
      nextMsn: this.#current?.msn ?? this.#nextMsn,
      nextPartIndex: this.#nextPartIndex,
      discontinuitySequence: this.#discontinuitySequence,
      longestS: this.#longestS,
      mediaEndS: this.#mediaEndS,
      run: this.run,
    };
  }

  get discontinuitySequence(): number {
    return this.#discontinuitySequence;
  }

  /** Complete segments in the window, oldest first. */
  get segments(): readonly Segment[] {
    return this.#segments;
  }

  /** The segment being filled, if it has a part. */
  get current(): Segment | undefined {
    return this.#current;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** The first segment's msn (EXT-X-MEDIA-SEQUENCE). */
  get mediaSequence(): number {
    return this.#segments[0]?.msn ?? this.#current?.msn ?? 0;
  }

  get nextPartIndex(): number {
    return this.#nextPartIndex;
  }

  /** Whole seconds no segment exceeds once rounded (RFC 8216bis §4.4.3.1): the target, or more if one ran long. */
  get targetDurationS(): number {
    return Math.max(Math.ceil(this.#options.segmentTargetS), Math.round(this.#longestS));
  }

  /** Whether `input` would start a new segment: a keyframe once the current one is long enough, or any part once it is too long. */
  startsSegment(input: PartInput): boolean {
    const current = this.#current;
    if (!current) return true;
    const { segmentTargetS, partTargetS } = this.#options;
    if (input.independent && current.durationS >= segmentTargetS - partTargetS / 2) return true;
    // No keyframe for too long (an encoder that lost its GOP): cut anyway so TARGETDURATION holds.
    return current.durationS + input.durationS >= Math.ceil(segmentTargetS) + 0.5;
  }

  /** Records a part whose file exists now. `wallMs` is when it arrived (for PROGRAM-DATE-TIME). */
  addPart(input: PartInput, wallMs: number): PartAdded {
    if (this.#ended) throw new Error('timeline ended');
    this.#anchor ??= { wallMs, mediaS: input.startS };
    this.#mediaEndS = Math.max(this.#mediaEndS, input.startS + input.durationS);
    let closed: Segment | undefined;
    let removed: Segment[] = [];
    if (this.startsSegment(input)) {
      closed = this.#close();
      removed = this.#trim();
      const programDateTime = new Date(this.#anchor.wallMs + (input.startS - this.#anchor.mediaS) * 1000);
      this.#current = { msn: this.#nextMsn++, parts: [], durationS: 0, programDateTime, init: this.initName, discontinuity: this.#discontinuityNext };
      this.#discontinuityNext = false;
    }
    const current = this.#current!;
    const part: Part = { index: this.#nextPartIndex++, durationS: input.durationS, independent: input.independent };
    current.parts.push(part);
    current.durationS += input.durationS;
    return { msn: current.msn, partInSegment: current.parts.length - 1, part, closed, removed };
  }

  /** Closes the last segment; no part comes after. */
  end(): { closed?: Segment; removed: Segment[] } {
    if (this.#ended) return { removed: [] };
    this.#ended = true;
    const closed = this.#close();
    return { closed, removed: this.#trim() };
  }

  /** True once segment `msn` is complete, or (with `part`) once that part of it exists, or anything later. */
  has(msn: number, part?: number): boolean {
    const current = this.#current;
    const lastComplete = this.#nextMsn - (current ? 2 : 1);
    if (msn <= lastComplete) return true;
    if (part === undefined || !current || msn !== current.msn) return false;
    return part < current.parts.length;
  }

  /** The newest part: what a blocking request may ask for, plus a little (RFC 8216bis §6.2.5.2). */
  edge(): { msn: number; part: number } | undefined {
    const current = this.#current;
    if (current) return { msn: current.msn, part: current.parts.length - 1 };
    const last = this.#segments.at(-1);
    // A resumed run's earlier segments list no parts.
    return last ? { msn: last.msn, part: Math.max(0, last.parts.length - 1) } : undefined;
  }

  #close(): Segment | undefined {
    const current = this.#current;
    this.#current = undefined;
    if (!current) return undefined;
    this.#segments.push(current);
    this.#longestS = Math.max(this.#longestS, current.durationS);
    return current;
  }

  #trim(): Segment[] {
    if (this.#options.keepAll) return [];
    const excess = this.#segments.length - Math.max(1, this.#options.windowSegments);
    const removed = excess > 0 ? this.#segments.splice(0, excess) : [];
    this.#discontinuitySequence += removed.filter((s) => s.discontinuity).length;
    return removed;
  }

  #restore(resumed: TimelineSnapshot): void {
    for (const s of resumed.segments) this.#segments.push({ ...s, parts: [], programDateTime: new Date(s.programDateTime) });
    this.#nextMsn = resumed.nextMsn;
    this.#nextPartIndex = resumed.nextPartIndex;
    this.#discontinuitySequence = resumed.discontinuitySequence;
    this.#longestS = resumed.longestS;
    this.#mediaEndS = resumed.mediaEndS;
    this.#discontinuityNext = true;
  }
}

/** The first run's init segment keeps its old name; each resumed run writes its own. */
export function initName(run: number): string {
  return run === 0 ? INIT_NAME : `init${run}.mp4`;
}

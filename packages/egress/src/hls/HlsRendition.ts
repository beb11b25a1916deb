import { TypedEmitter } from '@roomcast/sfu';
import { hlsPartTiming, hlsRemuxArgs, type HlsPartTiming } from '../args/hlsArgs.js';
import type { EgressLog } from '../destinations/DestinationPolicy.js';
import type { FlvFanout } from '../fanout/FlvFanout.js';
import { describeFfmpegExit, FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import { HlsTimeline, type PartInput, type Segment } from './HlsTimeline.js';
import { continuationState, loadResumeState, type ResumeState, TIMELINE_STATE_NAME } from './renditionResume.js';
import type { MasterVariant } from './masterPlaylist.js';
import { mediaPlaylist } from './mediaPlaylist.js';
import { parseMediaName, partName, PLAYLIST_NAME, segmentName } from './names.js';
import { PartSplitter, type SplitOutput } from './PartSplitter.js';
import { RenditionFiles, WRITE_FAILURES, writeFailureOf } from './RenditionFiles.js';
import { Waiters } from './Waiters.js';

export interface HlsRenditionOptions {
  /** Directory the rendition owns (created by the caller, empty). */
  dir: string;
  /** For logs and the master playlist, e.g. '720p'. */
  name: string;
  width: number;
  height: number;
  frameRate: number;
  /** Bits per second for BANDWIDTH (video + audio bitrate of the preset, plus ~10% overhead). */
  bandwidth: number;
  partTargetS?: number;
  segmentTargetS?: number;
  /** Live sliding window in segments (older segment and part files are deleted). */
  windowSegments?: number;
  /** Recording (hls_vod): never delete a segment; ENDLIST at stop. */
  keepAll?: boolean;
  /** Where the details of a failure go (users see the fixed phrase). */
  log?: EgressLog;
  /**
   * Go on from what an earlier run left in `dir` (an egress process that died, issue 13): its
   * segments stay listed, then EXT-X-DISCONTINUITY and this run's own init segment. Without an
   * earlier run's state there, it starts afresh.
   */
  resume?: boolean;
  /**
   * Go on from a run of this rendition on another egress node, lost with it (issue 13): nothing of
   * it is here, so this run numbers its segments, parts and init past anything that run could have
   * reached in this many seconds, after EXT-X-DISCONTINUITY, its media time going on from there.
   */
  continueAfterS?: number;
}

// A type, not an interface: only its own two keys (an interface would need an index signature,
// which lets any event name through `on`).
export type HlsRenditionEvents = {
  /** The first part is written and listed: players can start. */
  firstPart: [];
  /** The rendition stopped on its own; `reason` is one of HLS_FAILURES. */
  failed: [reason: string];
};

/** Why a rendition failed, as users see it. */
export const HLS_FAILURES = {
  remuxDied: 'the HLS remux stopped unexpectedly',
  fellBehind: 'the HLS packager fell behind the encoder',
  badOutput: 'the HLS remux wrote output that cannot be packaged',
  ...WRITE_FAILURES,
} as const;

/** FLV queued for the remux (about 10 s at 3 Mbit/s) before it counts as stuck. */
const STALL_BYTES = 4 * 1024 * 1024;
/** Parts received but not yet written (about 10 s) before the disk counts as too slow. */
const MAX_PENDING_PARTS = 30;

type State = 'running' | 'stopping' | 'stopped' | 'failed';

const RENDITION_DEFAULTS = { partTargetS: 0.333, segmentTargetS: 2, windowSegments: 6, keepAll: false };

/**
 * One LL-HLS rendition of an encode: an FFmpeg copy-remux fed from the FLV fan-out writes
 * fragmented MP4; each moof+mdat becomes a part file, each run of parts from a keyframe a segment
 * file, and the media playlist lists only files already written. Blocking reloads wait in
 * `waitFor`. The owner must call stop(); a remux that dies or a disk that refuses emits `failed`.
 */
export class HlsRendition extends TypedEmitter<HlsRenditionEvents> {
  readonly options: Required<Omit<HlsRenditionOptions, 'log' | 'resume' | 'continueAfterS'>> & Pick<HlsRenditionOptions, 'log'>;
  readonly timing: HlsPartTiming;
  readonly #timeline: HlsTimeline;
  readonly #files: RenditionFiles;
  readonly #waiters = new Waiters();
  readonly #splitter = new PartSplitter();
  #state: State = 'running';
  #ffmpeg: FfmpegProcess | undefined;
  #unsubscribe: (() => void) | undefined;
  #queue: Promise<void> = Promise.resolve();
  #pendingParts = 0;
  /** Bytes of the parts of the segment being filled: its file once it closes. */
  #segmentBytes: Buffer[] = [];
  /** A part of no duration (no main-track sample) rides with the next one. */
  #carry: Buffer[] = [];
  /** Closed segments whose part files are still on disk, oldest first. */
  #withPartFiles: Segment[] = [];
  #playlist: string;
  #stopped: Promise<void> | undefined;
  /** Parts of this run listed so far (a resumed playlist also lists earlier runs' segments). */
  #ownParts = 0;

  private constructor(options: HlsRenditionOptions, resumed: ResumeState | undefined) {
    super();
    const { resume: _resume, continueAfterS: _continueAfterS, ...rest } = options;
    this.options = { ...RENDITION_DEFAULTS, ...rest };
    this.timing = hlsPartTiming(this.options.partTargetS, this.options.frameRate);
    const { segmentTargetS, windowSegments, keepAll } = this.options;
    this.#timeline = new HlsTimeline({ segmentTargetS, partTargetS: this.timing.partTargetS, windowSegments, keepAll }, resumed?.snapshot);
    this.#files = new RenditionFiles(options.dir);
    this.#files.adopt(resumed?.kept ?? []);
    this.#playlist = this.#render();
  }

  /** Spawns the remux and subscribes it to the fan-out; rejects if FFmpeg cannot start. */
  static async start(source: FlvFanout, options: HlsRenditionOptions): Promise<HlsRendition> {
    const resumed = options.resume
      ? await loadResumeState(options.dir)
      : options.continueAfterS === undefined ? undefined : continuationState(options.continueAfterS, { ...RENDITION_DEFAULTS, ...options });
    const rendition = new HlsRendition(options, resumed);
    // A resumed run's media time goes on from the earlier run's end: a recording's timestamps only grow.
    const args = hlsRemuxArgs(rendition.timing, resumed?.snapshot.mediaEndS ?? 0);
    const ffmpeg = await FfmpegProcess.spawn(args, { pipes: { stdin: true, stdout: true } });
    rendition.#attach(ffmpeg, source);
    return rendition;
  }

  /** 0 for a rendition's first run, then one more for each resume. */
  get run(): number {
    return this.#timeline.run;
  }

  get name(): string {
    return this.options.name;
  }

  /** The remux FFmpeg's pid while it runs. */
  get pid(): number | undefined {
    return this.#ffmpeg?.running ? this.#ffmpeg.pid : undefined;
  }

  /** Has its first part (of this run: its init segment and codecs are this run's). */
  get ready(): boolean {
    return this.#ownParts > 0;
  }

  /** 'running' until stop() or a failure; then 'stopping', 'stopped' or 'failed'. */
  get state(): State {
    return this.#state;
  }

  /** RFC 6381 codecs from the init segment ('' before it arrives), e.g. 'avc1.64001f,mp4a.40.2'. */
  get codecs(): string {
    return this.#splitter.init?.codecs ?? '';
  }

  /** This rendition's line of the master playlist, its media playlist at `uri`. */
  variant(uri: string): MasterVariant {
    const { bandwidth, width, height, frameRate } = this.options;
    return { uri, bandwidth, width, height, frameRate, codecs: this.codecs };
  }

  /** The media playlist as it is now (LL-HLS tags). */
  playlist(): string {
    return this.#playlist;
  }

  /** The newest part (what blocking requests may ask for, plus a little); undefined before the first. */
  edge(): { msn: number; part: number } | undefined {
    return this.#timeline.edge();
  }

  /** Resolves true once media sequence `msn` (and part `part`, if given) exists; false on timeout or stop. */
  waitFor(msn: number, part: number | undefined, timeoutMs: number): Promise<boolean> {
    if (!Number.isSafeInteger(msn) || msn < 0 || (part !== undefined && (!Number.isSafeInteger(part) || part < 0))) return Promise.resolve(false);
    return this.#waiters.wait(() => this.#timeline.has(msn, part), timeoutMs);
  }

  /**
   * The path of `name` once it is written (a preload-hinted part, or a segment being filled),
   * undefined on timeout, stop, a name it will not write, or a file already gone.
   */
  async waitForFile(name: string, timeoutMs: number): Promise<string | undefined> {
    const media = parseMediaName(name);
    if (!media || media.kind === 'playlist') return this.file(name);
    const edge = this.#timeline.edge();
    const written = (): boolean => {
      if (this.#files.has(name)) return true;
      if (media.kind === 'part') return this.#timeline.nextPartIndex > media.index;
      return media.kind === 'segment' && this.#timeline.has(media.msn);
    };
    const expected = media.kind === 'init' ? media.run <= this.#timeline.run : (media.kind === 'part' ? media.index <= this.#timeline.nextPartIndex : media.msn <= (edge?.msn ?? 0));
    if (!written() && !expected) return undefined;
    await this.#waiters.wait(written, timeoutMs);
    return this.file(name);
  }

  /** Absolute path of a file this rendition wrote and still has (init.mp4, segments, parts, index.m3u8). */
  file(name: string): string | undefined {
    return this.#files.path(name);
  }

  /** Ends the stream: last part and segment written, ENDLIST; the remux ends. Safe twice. */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    if (this.#state === 'running') this.#state = 'stopping';
    this.#unsubscribe?.();
    // finish(): FFmpeg sees the end of its input, writes its last fragment and exits; every byte
    // of stdout has been handed to #onOutput by the time it resolves.
    await this.#ffmpeg?.finish(1500);
    await this.#enqueue(() => this.#finalize());
    this.#waiters.close();
    if (this.#state === 'stopping') this.#state = 'stopped';
  }

  #attach(ffmpeg: FfmpegProcess, source: FlvFanout): void {
    this.#ffmpeg = ffmpeg;
    ffmpeg.stdout.on('data', (chunk: Buffer) => this.#onOutput(chunk));
    ffmpeg.once('exit', (exit) => {
      if (!exit.expected) this.#fail(HLS_FAILURES.remuxDied, describeFfmpegExit(exit));
    });
    this.#unsubscribe = source.add({
      write: (bytes) => {
        if (ffmpeg.stdin.writableLength > STALL_BYTES) {
          this.#fail(HLS_FAILURES.fellBehind, 'the remux stopped reading its input');
          return false;
        }
        return ffmpeg.stdin.write(bytes);
      },
    });
  }

  #onOutput(chunk: Buffer): void {
    if (this.#state === 'failed') return;
    let outputs: SplitOutput[];
    try {
      outputs = this.#splitter.push(chunk);
    } catch (error) {
      return this.#fail(HLS_FAILURES.badOutput, error instanceof Error ? error.message : String(error));
    }
    for (const output of outputs) {
      if (output.kind === 'init') void this.#enqueue(() => this.#files.write(this.#timeline.initName, output.bytes));
      else if (++this.#pendingParts > MAX_PENDING_PARTS) return this.#fail(HLS_FAILURES.fellBehind, 'part files are written slower than they come');
      else void this.#enqueue(() => this.#commitPart(output.bytes, output.part));
    }
  }

  /** Runs file work one task at a time, in order; a failed task fails the rendition (the queue is its owner). */
  #enqueue(task: () => Promise<void>): Promise<void> {
    this.#queue = this.#queue.then(async () => {
      if (this.#state !== 'failed') await task();
    }).catch((error: unknown) => this.#fail(writeFailureOf(error), error instanceof Error ? error.message : String(error)));
    return this.#queue;
  }

  /** Writes the part (and the segment it closes), then lists it. */
  async #commitPart(bytes: Buffer, input: PartInput): Promise<void> {
    this.#pendingParts--;
    if (!(input.durationS > 0)) return void this.#carry.push(bytes);
    const data = this.#carry.length ? Buffer.concat([...this.#carry, bytes]) : bytes;
    this.#carry = [];
    const closing = this.#timeline.startsSegment(input) ? this.#timeline.current : undefined;
    const writes = [this.#files.write(partName(this.#timeline.nextPartIndex), data)];
    if (closing) writes.push(this.#files.write(segmentName(closing.msn), Buffer.concat(this.#segmentBytes)));
    await Promise.all(writes);
    if (this.#state === 'failed') return;
    const added = this.#timeline.addPart(input, Date.now());
    if (added.closed) this.#segmentBytes = [];
    this.#segmentBytes.push(data);
    await this.#publish(added.closed, added.removed);
    if (++this.#ownParts === 1) this.safeEmit('firstPart');
  }

  /** The last segment, then the playlist with ENDLIST; part files go (the ended playlist lists none). */
  async #finalize(): Promise<void> {
    const current = this.#timeline.current;
    if (current && this.#segmentBytes.length) await this.#files.write(segmentName(current.msn), Buffer.concat(this.#segmentBytes));
    this.#segmentBytes = [];
    const { closed, removed } = this.#timeline.end();
    await this.#publish(closed, removed);
    const parts = this.#withPartFiles.splice(0).flatMap((segment) => segment.parts.map((p) => partName(p.index)));
    // Ended: nothing is left to resume.
    await this.#files.remove([...parts, TIMELINE_STATE_NAME]);
  }

  /** Lists what was just written, wakes the waiters, then tidies files that left the window. */
  async #publish(closed: Segment | undefined, removed: Segment[]): Promise<void> {
    this.#playlist = this.#render();
    this.#waiters.check();
    // The state a next run resumes from, when a segment closed (parts are never resumed, and a
    // resumed run numbers its parts past the files on disk): written before the playlist, so that
    // whatever segment a playlist on disk lists, the state has it. Once per segment, not per part.
    if (closed && !this.#timeline.ended) await this.#files.replace(TIMELINE_STATE_NAME, JSON.stringify(this.#timeline.snapshot()));
    await this.#files.replace(PLAYLIST_NAME, this.#playlist);
    if (closed) this.#withPartFiles.push(closed);
    const oldParts = this.#withPartFiles.splice(0, Math.max(0, this.#withPartFiles.length - this.options.windowSegments));
    await this.#files.remove([
      ...removed.map((s) => segmentName(s.msn)),
      ...[...oldParts, ...removed].flatMap((s) => s.parts.map((p) => partName(p.index))),
    ]);
  }

  #render(): string {
    return mediaPlaylist(this.#timeline, { partTargetS: this.timing.partTargetS, keepAll: this.options.keepAll });
  }

  #fail(reason: string, detail: string): void {
    if (this.#state === 'failed' || this.#state === 'stopped') return;
    this.#state = 'failed';
    this.#unsubscribe?.();
    void this.#ffmpeg?.stop(500); // never rejects
    this.#waiters.close();
    this.options.log?.warn({ rendition: this.options.name, reason }, `HLS rendition "${this.options.name}": ${reason}. ${detail}`);
    this.safeEmit('failed', reason);
  }
}

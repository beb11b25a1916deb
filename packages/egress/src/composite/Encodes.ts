import { AppError, type Quality } from '@roomcast/protocol';
import { TypedEmitter } from '@roomcast/sfu';
import type { X264Tuning } from '../args/encoderArgs.js';
import type { FlvFanout } from '../fanout/FlvFanout.js';
import type { CompositeSink } from './Compositor.js';
import { encodeRefusal } from './encodeQuality.js';
import { EncoderSupervisor } from './EncoderSupervisor.js';
import { qualityPreset } from './presets.js';
import type { RestartPolicyOptions } from './RestartPolicy.js';
import { SinkSet } from './SinkSet.js';
import { PIPE_SOURCE, type VideoSource } from './videoSource.js';

export interface EncodesOptions {
  /** The composite's quality: the size it renders at, and the encode the RTMP relays read. */
  top: Quality;
  x264?: X264Tuning;
  restart?: RestartPolicyOptions;
}

export interface EncodesEvents extends Record<string, unknown[]> {
  /** That encode's FFmpeg crashed and was replaced; its readers never noticed. */
  restarted: [quality: Quality];
  /** That encode died too often: its readers get nothing more. */
  failed: [quality: Quality, reason: string];
}

/** An output's hold on one encode: the stream to read, and release() once the output is gone. */
export interface EncodeLease {
  readonly quality: Quality;
  readonly fanout: FlvFanout;
  /** The last release of a lower encode stops it; the top one lives with the composite. Safe twice. */
  release(): Promise<void>;
}

interface LowerEncode {
  /** Outputs holding a lease on it (counted from the request, before it runs). */
  refs: number;
  started: Promise<EncoderSupervisor>;
}

/**
 * The encodes of one composite, one per quality: the top one (the composite's own size, started
 * with it, read by RTMP relays; it lives as long as the composite) and lower ones started on
 * demand for HLS renditions, each scaling the composite's picture in its own FFmpeg and stopped
 * when its last output lets go. The compositor writes to all of them through one SinkSet; a crash
 * restarts only that encode (EncoderSupervisor), the others go on.
 */
export class Encodes extends TypedEmitter<EncodesEvents> implements CompositeSink {
  readonly #sinks = new SinkSet<EncoderSupervisor>();
  readonly #lower = new Map<Quality, LowerEncode>();
  /** Every encode whose counters are live: a stopped one moves its counts to #retired in the same tick. */
  readonly #counted = new Set<EncoderSupervisor>();
  /** Counters of lower encodes that have stopped, so totals never go down. */
  readonly #retired = { droppedFrames: 0, restarts: 0 };
  /** Where every encode takes its pictures from (see EncoderSupervisor.useVideoSource). */
  #source: VideoSource = PIPE_SOURCE;
  #stopped = false;

  private constructor(
    readonly options: EncodesOptions,
    readonly top: EncoderSupervisor,
  ) {
    super();
    this.#watch(options.top, top);
    this.#sinks.add(top);
    this.#counted.add(top);
  }

  static async start(options: EncodesOptions): Promise<Encodes> {
    const top = await EncoderSupervisor.start({ preset: qualityPreset(options.top), x264: options.x264, restart: options.restart });
    return new Encodes(options, top);
  }

  /** Qualities being encoded now, the top one first. */
  get qualities(): Quality[] {
    return [this.options.top, ...this.#lower.keys()];
  }

  get droppedFrames(): number {
    return this.#retired.droppedFrames + [...this.#counted].reduce((n, s) => n + s.droppedFrames, 0);
  }

  get restarts(): number {
    return this.#retired.restarts + [...this.#counted].reduce((n, s) => n + s.restarts, 0);
  }

  /** The encode of `quality`, started if needed; a coded conflict if it cannot be scaled from the top. */
  async acquire(quality: Quality): Promise<EncodeLease> {
    if (this.#stopped) throw new AppError('conflict', 'this composite has ended');
    const refusal = encodeRefusal(this.options.top, quality);
    if (refusal) throw new AppError('conflict', refusal);
    if (quality === this.options.top) return { quality, fanout: this.top.fanout, release: () => Promise.resolve() };
    const entry = this.#lower.get(quality) ?? this.#startLower(quality);
    entry.refs++;
    let released = false;
    const release = async (): Promise<void> => {
      if (released) return;
      released = true;
      if (--entry.refs > 0 || this.#lower.get(quality) !== entry) return;
      this.#lower.delete(quality);
      await this.#stopLower(entry);
    };
    let supervisor: EncoderSupervisor;
    try {
      supervisor = await entry.started;
    } catch (error) {
      released = true;
      entry.refs--;
      throw error;
    }
    return { quality, fanout: supervisor.fanout, release };
  }

  /** Every encode, and each one started later, takes its pictures from `source`. */
  useVideoSource(source: VideoSource): void {
    this.#source = source;
    for (const supervisor of this.#counted) supervisor.useVideoSource(source);
  }

  /** False while every encode grabs its own pictures (a web layout's display): nothing need be drawn. */
  get wantsVideo(): boolean {
    return [...this.#counted].some((supervisor) => supervisor.wantsVideo);
  }

  writeVideo(frame: Buffer, written: () => void): void {
    this.#sinks.writeVideo(frame, written);
  }

  writeAudio(pcm: Buffer): void {
    this.#sinks.writeAudio(pcm);
  }

  /** Stops every encode (each flushes its last frames). Safe twice. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const lower = [...this.#lower.values()];
    this.#lower.clear();
    await Promise.all([...lower.map((entry) => this.#stopLower(entry)), this.top.stop()]);
  }

  #startLower(quality: Quality): LowerEncode {
    const top = qualityPreset(this.options.top);
    const { x264, restart } = this.options;
    const entry: LowerEncode = { refs: 0, started: Promise.resolve(this.top) };
    entry.started = EncoderSupervisor.start({ preset: qualityPreset(quality), x264, restart, input: top, source: this.#source }).then(
      (supervisor) => {
        // Released (or the composite stopped) while FFmpeg started: whoever removed it stops it.
        if (this.#lower.get(quality) !== entry) return supervisor;
        this.#watch(quality, supervisor);
        this.#sinks.add(supervisor);
        this.#counted.add(supervisor);
        // The source may have changed while it started.
        supervisor.useVideoSource(this.#source);
        return supervisor;
      },
      (error: unknown) => {
        if (this.#lower.get(quality) === entry) this.#lower.delete(quality);
        throw error;
      },
    );
    // Its own owner: acquirers see the rejection; this keeps it from going unhandled when none waits.
    entry.started.catch(() => undefined);
    this.#lower.set(quality, entry);
    return entry;
  }

  async #stopLower(entry: LowerEncode): Promise<void> {
    const supervisor = await entry.started.catch(() => undefined);
    if (!supervisor) return;
    this.#sinks.delete(supervisor);
    await supervisor.stop();
    if (!this.#counted.delete(supervisor)) return;
    this.#retired.droppedFrames += supervisor.droppedFrames;
    this.#retired.restarts += supervisor.restarts;
  }

  #watch(quality: Quality, supervisor: EncoderSupervisor): void {
    supervisor.on('restarted', () => this.safeEmit('restarted', quality));
    supervisor.on('failed', (reason) => {
      if (!this.#stopped) this.safeEmit('failed', quality, reason);
    });
  }
}

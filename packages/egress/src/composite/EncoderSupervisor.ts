import { TypedEmitter } from '@roomcast/sfu';
import type { FrameSize, X264Tuning } from '../args/encoderArgs.js';
import { FlvFanout } from '../fanout/FlvFanout.js';
import type { FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import type { CompositeSink } from './Compositor.js';
import { Encoder } from './Encoder.js';
import { FlvSplice } from './FlvSplice.js';
import { OutputGate } from './OutputGate.js';
import type { QualityPreset } from './presets.js';
import { RestartPolicy, type RestartPolicyOptions } from './RestartPolicy.js';
import { PIPE_SOURCE, sameVideoSource, type VideoSource } from './videoSource.js';

/** Three crashes within five minutes end the broadcast; fewer are ridden through, the first at once. */
export const ENCODER_RESTART: RestartPolicyOptions = {
  initialDelayMs: 100,
  maxDelayMs: 2000,
  healthyAfterMs: 60_000,
  maxRestarts: 3,
  windowMs: 5 * 60_000,
};

/** Fixed texts for events: what happened, never FFmpeg's own words. */
export const ENCODER_RESTARTED = 'the encoder restarted';
export const ENCODER_FAILED = 'the encoder failed repeatedly';

export interface EncoderSupervisorEvents extends Record<string, unknown[]> {
  /** The encoder died and a new one is encoding again: the destinations never disconnected. */
  restarted: [];
  /** The encoder died too often: the composite cannot go on. */
  failed: [reason: string];
}

export interface EncoderSupervisorOptions {
  preset: QualityPreset;
  x264?: X264Tuning;
  restart?: RestartPolicyOptions;
  /** Size of the pictures it is fed (the composite's); default the preset's. */
  input?: FrameSize;
  /** Where its first encoder takes its pictures from (default: written to it). */
  source?: VideoSource;
}

/** An encoder run and the gate between it and the stream. */
interface Run {
  encoder: Encoder;
  gate: OutputGate;
}

/**
 * The composite's encoder, kept alive: a crashed FFmpeg is replaced (with backoff, within a limit)
 * while the compositor goes on, and the new encoder's FLV is spliced onto the old one's (see
 * FlvSplice), so every relay keeps reading one continuous stream from the same fan-out. The same
 * splice carries a change of video source (a web layout's display grabbed directly, or the
 * compositor's pictures): the new encoder starts beside the old one and takes over with its first
 * output, so no destination reconnects and the picture changes within a few frames.
 */
export class EncoderSupervisor extends TypedEmitter<EncoderSupervisorEvents> implements CompositeSink {
  readonly #policy: RestartPolicy;
  readonly #first: Encoder;
  #current: Run;
  /** A replacement for another video source, started but not yet encoding. */
  #pending: Run | undefined;
  /** The video source wanted now (the current run's, or the pending one's). */
  #source: VideoSource;
  /** A display encoder failed here once: this composite keeps to the compositor's pictures. */
  #displayRefused = false;
  #switches = 0;
  readonly #retiring = new Set<Promise<void>>();
  #startedAt = Date.now();
  /** Frames dropped by encoders that are gone. */
  #droppedBefore = 0;
  #restartTimer: NodeJS.Timeout | undefined;
  #restarting: Promise<void> | undefined;
  #stopped = false;

  private constructor(
    readonly options: EncoderSupervisorOptions,
    /** What every relay reads: one stream across encoder restarts. */
    readonly fanout: FlvFanout,
    readonly splice: FlvSplice,
    first: Run,
  ) {
    super();
    this.#policy = new RestartPolicy(options.restart ?? ENCODER_RESTART);
    this.#first = first.encoder;
    this.#current = first;
    this.#source = first.encoder.source;
    this.#watch(first.encoder);
  }

  static async start(options: EncoderSupervisorOptions): Promise<EncoderSupervisor> {
    const fanout = new FlvFanout();
    const splice = new FlvSplice(fanout);
    splice.nextRun();
    const gate = new OutputGate(splice);
    const encoder = await Encoder.start(options.preset, gate, options.x264, options.input, options.source ?? PIPE_SOURCE);
    return new EncoderSupervisor(options, fanout, splice, { encoder, gate });
  }

  /** The FFmpeg encoding now (or the one that just died, until its successor runs). */
  get ffmpeg(): FfmpegProcess {
    return this.#current.encoder.ffmpeg;
  }

  /** Where the encoding run takes its pictures from. */
  get source(): VideoSource {
    return this.#current.encoder.source;
  }

  /** Settles with the first encoder's first output (or its exit without any). */
  get firstOutput(): Promise<void> {
    return this.#first.firstOutput;
  }

  /** performance.now() of the first encoded tag, for start-latency measurements. */
  get firstOutputAt(): number | undefined {
    return this.#first.firstOutputAt;
  }

  /** Frames dropped because an encoder could not keep up, over every encoder of this composite. */
  get droppedFrames(): number {
    return this.#droppedBefore + this.#current.encoder.droppedFrames;
  }

  get restarts(): number {
    return this.#policy.restarts;
  }

  /** False while it grabs its pictures itself and means to go on so: the compositor need not draw any. */
  get wantsVideo(): boolean {
    return this.#source.kind === 'pipe' || this.#current.encoder.readsPictures;
  }

  writeVideo(frame: Buffer, written: () => void): void {
    const readers = [this.#current, this.#pending].filter((run): run is Run => run?.encoder.readsPictures === true);
    if (readers.length === 0) return written();
    let left = readers.length;
    for (const { encoder } of readers) encoder.writeVideo(frame, () => --left === 0 && written());
  }

  writeAudio(pcm: Buffer): void {
    // A replacement needs sound too: FFmpeg writes nothing until every stream has its first frame.
    this.#current.encoder.writeAudio(pcm);
    this.#pending?.encoder.writeAudio(pcm);
  }

  /**
   * Encode from `source` from now on: a new encoder starts beside the running one and takes over
   * with its first output. Idempotent; a display that failed once is not tried again here.
   */
  useVideoSource(source: VideoSource): void {
    const wanted = source.kind === 'display' && this.#displayRefused ? PIPE_SOURCE : source;
    if (this.#stopped || sameVideoSource(wanted, this.#source)) return;
    this.#source = wanted;
    this.#switchTo(wanted);
  }

  /** Ends the encoder cleanly (it flushes its last frames); no restart follows. Safe twice. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#restartTimer);
    await this.#restarting;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.gate.shut();
    await Promise.all([pending?.encoder.ffmpeg.stop(500), this.#current.encoder.stop(), ...this.#retiring]);
  }

  #switchTo(source: VideoSource): void {
    const switchNo = ++this.#switches;
    this.#dropPending();
    const gate: OutputGate = new OutputGate(this.splice, (): boolean => this.#promote(gate));
    Encoder.start(this.options.preset, gate, this.options.x264, this.options.input, source).then(
      (encoder) => {
        if (this.#stopped || switchNo !== this.#switches) return void this.#retire(encoder);
        this.#pending = { encoder, gate };
        this.#watch(encoder);
      },
      () => this.#pendingFailed(source),
    );
  }

  /** The pending run's first output: it becomes the stream, the old run's gate shuts and it ends. */
  #promote(gate: OutputGate): boolean {
    const next = this.#pending;
    if (this.#stopped || next?.gate !== gate) return false;
    const old = this.#current;
    old.gate.shut();
    this.splice.nextRun();
    this.#pending = undefined;
    this.#current = next;
    this.#droppedBefore += old.encoder.droppedFrames;
    this.#retire(old.encoder);
    return true;
  }

  #dropPending(): void {
    const pending = this.#pending;
    this.#pending = undefined;
    if (!pending) return;
    pending.gate.shut();
    this.#retire(pending.encoder);
  }

  /** Ends a run that no longer feeds the stream; stop() waits for it. */
  #retire(encoder: Encoder): void {
    // FFmpeg's stop settles with its exit and never rejects: this chain has no failure to own.
    const done: Promise<void> = encoder.ffmpeg.stop(500).then(() => void this.#retiring.delete(done));
    this.#retiring.add(done);
  }

  /** The replacement would not start or died before encoding: stay on (or go back to) the compositor's pictures. */
  #pendingFailed(source: VideoSource): void {
    if (this.#stopped || !sameVideoSource(source, this.#source)) return;
    if (source.kind === 'display') this.#displayRefused = true;
    this.#source = this.#current.encoder.source;
    if (this.#source.kind === 'display') this.useVideoSource(PIPE_SOURCE);
    else if (!this.#current.encoder.ffmpeg.running) this.#onCrash();
  }

  #watch(encoder: Encoder): void {
    void encoder.exited.then(() => {
      if (this.#stopped) return;
      if (encoder === this.#pending?.encoder) {
        this.#pending = undefined;
        return this.#pendingFailed(encoder.source);
      }
      // The run being replaced may die first (a web layout's display going away): its successor takes over.
      if (encoder !== this.#current.encoder || this.#pending) return;
      this.#onCrash();
    });
  }

  #onCrash(): void {
    if (this.#stopped) return;
    const delay = this.#policy.onExit(Date.now() - this.#startedAt);
    if (delay === undefined) return void this.safeEmit('failed', ENCODER_FAILED);
    this.#restartTimer = setTimeout(() => {
      this.#restarting = this.#restart().finally(() => (this.#restarting = undefined));
    }, delay);
  }

  /**
   * A new run after a crash, on the source wanted now; a display encoder that crashed is followed
   * by one that takes the compositor's pictures (which never depend on a display staying up).
   */
  async #restart(): Promise<void> {
    if (this.#stopped) return;
    const old = this.#current;
    if (old.encoder.source.kind === 'display' && sameVideoSource(old.encoder.source, this.#source)) {
      this.#displayRefused = true;
      this.#source = PIPE_SOURCE;
    }
    const gate = new OutputGate(this.splice);
    let next: Encoder;
    try {
      this.splice.nextRun();
      next = await Encoder.start(this.options.preset, gate, this.options.x264, this.options.input, this.#source);
    } catch {
      // FFmpeg would not even start: that counts as another crash.
      this.#startedAt = Date.now();
      return this.#onCrash();
    }
    if (this.#stopped) return void (await next.stop());
    old.gate.shut();
    this.#droppedBefore += old.encoder.droppedFrames;
    this.#current = { encoder: next, gate };
    this.#startedAt = Date.now();
    this.#watch(next);
    void next.firstOutput.then(() => {
      if (this.#current.encoder === next && next.firstOutputAt !== undefined && !this.#stopped) this.safeEmit('restarted');
    });
  }
}

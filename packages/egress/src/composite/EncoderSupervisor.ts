import { TypedEmitter } from '@roomcast/sfu';
import type { FrameSize, X264Tuning } from '../args/encoderArgs.js';
import { FlvFanout } from '../fanout/FlvFanout.js';
import type { FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import type { CompositeSink } from './Compositor.js';
import { Encoder } from './Encoder.js';
import { FlvSplice } from './FlvSplice.js';
import type { QualityPreset } from './presets.js';
import { RestartPolicy, type RestartPolicyOptions } from './RestartPolicy.js';

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
}

/**
 * The composite's encoder, kept alive: a crashed FFmpeg is replaced (with backoff, within a limit)
 * while the compositor goes on, and the new encoder's FLV is spliced onto the old one's (see
 * FlvSplice), so every relay keeps reading one continuous stream from the same fan-out.
 */
export class EncoderSupervisor extends TypedEmitter<EncoderSupervisorEvents> implements CompositeSink {
  readonly #policy: RestartPolicy;
  readonly #first: Encoder;
  #current: Encoder;
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
    first: Encoder,
  ) {
    super();
    this.#policy = new RestartPolicy(options.restart ?? ENCODER_RESTART);
    this.#first = first;
    this.#current = first;
    this.#watch(first);
  }

  static async start(options: EncoderSupervisorOptions): Promise<EncoderSupervisor> {
    const fanout = new FlvFanout();
    const splice = new FlvSplice(fanout);
    splice.nextRun();
    return new EncoderSupervisor(options, fanout, splice, await Encoder.start(options.preset, splice, options.x264, options.input));
  }

  /** The FFmpeg encoding now (or the one that just died, until its successor runs). */
  get ffmpeg(): FfmpegProcess {
    return this.#current.ffmpeg;
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
    return this.#droppedBefore + this.#current.droppedFrames;
  }

  get restarts(): number {
    return this.#policy.restarts;
  }

  writeVideo(frame: Buffer, written: () => void): void {
    this.#current.writeVideo(frame, written);
  }

  writeAudio(pcm: Buffer): void {
    this.#current.writeAudio(pcm);
  }

  /** Ends the encoder cleanly (it flushes its last frames); no restart follows. Safe twice. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#restartTimer);
    await this.#restarting;
    await this.#current.stop();
  }

  #watch(encoder: Encoder): void {
    void encoder.exited.then(() => {
      if (!this.#stopped && encoder === this.#current) this.#onCrash();
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

  async #restart(): Promise<void> {
    if (this.#stopped) return;
    const old = this.#current;
    let next: Encoder;
    try {
      this.splice.nextRun();
      next = await Encoder.start(this.options.preset, this.splice, this.options.x264, this.options.input);
    } catch {
      // FFmpeg would not even start: that counts as another crash.
      this.#startedAt = Date.now();
      return this.#onCrash();
    }
    if (this.#stopped) return void (await next.stop());
    this.#droppedBefore += old.droppedFrames;
    this.#current = next;
    this.#startedAt = Date.now();
    this.#watch(next);
    void next.firstOutput.then(() => {
      if (this.#current === next && next.firstOutputAt !== undefined && !this.#stopped) this.safeEmit('restarted');
    });
  }
}

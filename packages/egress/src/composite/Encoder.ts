import { encoderArgs, type FrameSize, type X264Tuning } from '../args/encoderArgs.js';
import { type FfmpegExit, FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import { type FlvTag, FlvTagReader } from '../fanout/FlvTagReader.js';
import { AvSync } from './AvSync.js';
import type { CompositeSink } from './Compositor.js';
import type { QualityPreset } from './presets.js';

/**
 * Past this many queued frames (1 s) the encoder is not keeping up: drop rather than grow without
 * bound. Short stalls (x264 starting, a busy core) fit in the queue and lose nothing.
 */
const MAX_QUEUED_FRAMES = 30;

/** Where an encoder's FLV goes, split into its file header and tags (an FlvFanout, or a splice in front of one). */
export interface EncodedOutput {
  setHeader(header: Buffer): void;
  push(tag: FlvTag): void;
}

/**
 * One run of the composite's encoder: raw frames and mixed audio in, H.264 + AAC FLV out, split
 * into tags and handed on (EncoderSupervisor restarts it if it dies).
 */
export class Encoder implements CompositeSink {
  readonly #reader = new FlvTagReader();
  readonly #frameBytes: number;
  readonly #avSync: AvSync;
  #droppedFrames = 0;
  #firstTagAt: number | undefined;
  #onFirstOutput: () => void = () => undefined;
  /** Settles with the first encoded output (or when FFmpeg exits without any). */
  readonly firstOutput = new Promise<void>((resolve) => (this.#onFirstOutput = resolve));

  private constructor(
    readonly ffmpeg: FfmpegProcess,
    preset: QualityPreset,
    readonly output: EncodedOutput,
    input: FrameSize,
  ) {
    this.#frameBytes = input.width * input.height * 1.5;
    this.#avSync = new AvSync(preset.fps);
    ffmpeg.stdout.on('data', (chunk: Buffer) => this.#onOutput(chunk));
    void ffmpeg.exited.then(() => this.#onFirstOutput());
  }

  /** `input`: the size of the pictures written to it (default the preset's; larger ones are scaled down by FFmpeg). */
  static async start(preset: QualityPreset, output: EncodedOutput, x264?: X264Tuning, input: FrameSize = preset): Promise<Encoder> {
    const ffmpeg = await FfmpegProcess.spawn(encoderArgs(preset, x264, input), { pipes: { stdin: true, stdout: true, extraInputs: 1 } });
    return new Encoder(ffmpeg, preset, output, input);
  }

  get exited(): Promise<FfmpegExit> {
    return this.ffmpeg.exited;
  }

  get droppedFrames(): number {
    return this.#droppedFrames;
  }

  /** performance.now() of the first encoded tag, for start-latency measurements. */
  get firstOutputAt(): number | undefined {
    return this.#firstTagAt;
  }

  writeVideo(frame: Buffer, written: () => void): void {
    const stdin = this.ffmpeg.stdin;
    if (!this.ffmpeg.running || stdin.destroyed) return written();
    if (stdin.writableLength > MAX_QUEUED_FRAMES * this.#frameBytes) {
      this.#droppedFrames++;
      this.#avSync.videoFrameDropped();
      return written();
    }
    stdin.write(frame, () => written());
  }

  writeAudio(pcm: Buffer): void {
    const pipe = this.ffmpeg.inputPipe(3);
    const audio = this.#avSync.audioToSend(pcm);
    if (this.ffmpeg.running && !pipe.destroyed && audio.length > 0) pipe.write(audio);
  }

  /** Ends the inputs so FFmpeg flushes its last frames, then makes sure it is gone. */
  async stop(): Promise<void> {
    await this.ffmpeg.finish(2000);
  }

  #onOutput(chunk: Buffer): void {
    let tags: FlvTag[];
    try {
      tags = this.#reader.push(chunk);
    } catch {
      // Not FLV: nothing this FFmpeg says can be relayed. Its exit is reported like a crash.
      void this.ffmpeg.stop(500);
      return;
    }
    for (const tag of tags) {
      if (this.#firstTagAt === undefined) {
        this.#firstTagAt = performance.now();
        this.#onFirstOutput();
        this.output.setHeader(this.#reader.header!);
      }
      this.output.push(tag);
    }
  }
}

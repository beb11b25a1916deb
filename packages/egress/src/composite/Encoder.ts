import { encoderArgs, type FrameSize, type X264Tuning } from '../args/encoderArgs.js';
import { type FfmpegExit, FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import { type FlvTag, FlvTagReader } from '../fanout/FlvTagReader.js';
import { AudioStartAligner, inputStartMs } from './AudioStartAligner.js';
import { AvSync } from './AvSync.js';
import type { CompositeSink } from './Compositor.js';
import type { QualityPreset } from './presets.js';
import { PIPE_SOURCE, type VideoSource } from './videoSource.js';

/**
 * Past this many queued frames (1 s) the encoder is not keeping up: drop rather than grow without
 * bound. Short stalls (x264 starting, a busy core) fit in the queue and lose nothing.
 */
const MAX_QUEUED_FRAMES = 30;
/** A display encoder whose grab start was not read by then gets its sound anyway (see #alignAudioStart). */
const AUDIO_START_FALLBACK_MS = 3000;
/**
 * The encoder's FLV is read into one reused buffer (a socket's `onread`, see readerSocketPair)
 * rather than a stdout pipe's stream of fresh Buffers: it is read dozens of times a second for as
 * long as the composite runs, and each stream read allocates and passes through Readable's
 * machinery. 256 KiB holds more than a second of the top preset.
 */
const OUTPUT_READ_BYTES = 256 * 1024;

/** Where an encoder's FLV goes, split into its file header and tags (an FlvFanout, or a splice in front of one). */
export interface EncodedOutput {
  setHeader(header: Buffer): void;
  /** The tags of one read of the encoder's output, in order. */
  push(tags: readonly FlvTag[]): void;
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
  #aligner: AudioStartAligner | undefined;
  #firstTagAt: number | undefined;
  #onFirstOutput: () => void = () => undefined;
  /** Settles with the first encoded output (or when FFmpeg exits without any). */
  readonly firstOutput = new Promise<void>((resolve) => (this.#onFirstOutput = resolve));

  private constructor(
    readonly ffmpeg: FfmpegProcess,
    preset: QualityPreset,
    readonly output: EncodedOutput,
    input: FrameSize,
    /** Where its pictures come from: written to it (`pipe`), or grabbed by it from a display. */
    readonly source: VideoSource,
  ) {
    this.#frameBytes = input.width * input.height * 1.5;
    this.#avSync = new AvSync(preset.fps);
    if (source.kind === 'display') this.#alignAudioStart(new AudioStartAligner());
    void ffmpeg.exited.then(() => this.#onFirstOutput());
  }

  /**
   * `input`: the size of its pictures (default the preset's; larger ones are scaled down by FFmpeg).
   * `source`: a display it grabs them from itself instead of having them written to it.
   */
  static async start(preset: QualityPreset, output: EncodedOutput, x264?: X264Tuning, input: FrameSize = preset, source: VideoSource = PIPE_SOURCE): Promise<Encoder> {
    // Output read before the Encoder exists (none is expected: it is built as soon as FFmpeg runs) waits, copied.
    const early: Buffer[] = [];
    let onOutput = (bytes: Buffer): void => {
      early.push(Buffer.from(bytes));
    };
    const ffmpeg = await FfmpegProcess.spawn(encoderArgs(preset, x264, input, source), {
      env: source.kind === 'display' ? { XAUTHORITY: source.xauthority } : undefined,
      pipes: { stdin: true, stdout: { bufferBytes: OUTPUT_READ_BYTES, onData: (bytes) => onOutput(bytes) }, extraInputs: 1 },
    });
    const encoder = new Encoder(ffmpeg, preset, output, input, source);
    onOutput = (bytes) => encoder.#onOutput(bytes);
    for (const bytes of early) encoder.#onOutput(bytes);
    return encoder;
  }

  /** Whether it takes the pictures written to it (it grabs its own from a display otherwise). */
  get readsPictures(): boolean {
    return this.source.kind === 'pipe';
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
    if (!this.readsPictures || !this.ffmpeg.running || stdin.destroyed) return written();
    if (stdin.writableLength > MAX_QUEUED_FRAMES * this.#frameBytes) {
      this.#droppedFrames++;
      this.#avSync.videoFrameDropped();
      return written();
    }
    stdin.write(frame, () => written());
  }

  writeAudio(pcm: Buffer): void {
    const audio = this.#avSync.audioToSend(pcm);
    this.#writeAudio(this.#aligner ? this.#aligner.push(audio) : audio);
  }

  #writeAudio(audio: Buffer): void {
    const pipe = this.ffmpeg.inputPipe(3);
    if (this.ffmpeg.running && !pipe.destroyed && audio.length > 0) pipe.write(audio);
  }

  /**
   * The sound starts at the display grab's first picture (see AudioStartAligner), once FFmpeg says
   * when that was. FFmpeg opens the audio input only after the display, and waits for its first
   * bytes: should it never say (another FFmpeg's wording), the sound starts after a while unaligned
   * rather than never.
   */
  #alignAudioStart(aligner: AudioStartAligner): void {
    this.#aligner = aligner;
    const begin = (startMs: number): void => {
      this.ffmpeg.off('stderrLine', onLine);
      clearTimeout(fallback);
      this.#writeAudio(aligner.start(startMs));
    };
    const onLine = (line: string): void => {
      const startMs = inputStartMs(line);
      if (startMs !== undefined) begin(startMs);
    };
    const fallback = setTimeout(() => begin(Date.now()), AUDIO_START_FALLBACK_MS);
    fallback.unref();
    this.ffmpeg.on('stderrLine', onLine);
  }

  /**
   * Ends the inputs so FFmpeg flushes its last frames, then makes sure it is gone. A display grab
   * never ends by itself: SIGTERM, on which FFmpeg flushes too.
   */
  async stop(): Promise<void> {
    if (this.readsPictures) await this.ffmpeg.finish(2000);
    else await this.ffmpeg.stop(2000);
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
    if (tags.length === 0) return;
    if (this.#firstTagAt === undefined) {
      this.#firstTagAt = performance.now();
      this.#onFirstOutput();
      this.output.setHeader(this.#reader.header!);
    }
    this.output.push(tags);
  }
}

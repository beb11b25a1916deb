import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RoomView } from '@roomcast/sfu';
import { videoDecoderArgs } from '../args/decoderArgs.js';
import { FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import type { PortAllocator } from '../rtp/PortAllocator.js';
import { TrackTap } from '../rtp/TrackTap.js';
import { FrameSplitter } from './FrameSplitter.js';
import { type YuvFrame, yuvFrameSize } from './FrameCanvas.js';
import { DEFAULT_LABELS, type LabelStyle } from './labelStyle.js';

/** What a decoder prints when it lost a reference frame: ask the sender for a keyframe. */
const LOST_SYNC = /keyframe|missing reference|corrupt|concealing|Invalid data|decode_slice/i;
const KEYFRAME_RETRY_MS = 1000;
/** Larger than a socket's receive queue usually holds, so one read takes whatever is there. */
const READ_BUFFER_BYTES = 1024 * 1024;

export interface VideoTrackInputOptions {
  room: RoomView;
  producerId: string;
  width: number;
  height: number;
  label: string;
  fontFile?: string;
  /** The layout's `labels` (default: shown, white on translucent black). */
  labelStyle?: LabelStyle;
  ports: PortAllocator;
  onExit?: (input: VideoTrackInput) => void;
}

/**
 * One video track decoded at its tile size: mediasoup consumer → RTP → FFmpeg (scale, pad, name
 * label) → raw YUV frames. Only the newest frame is kept; the compositor draws it at its own pace.
 */
export class VideoTrackInput {
  latest: YuvFrame | undefined;
  #decoder: FfmpegProcess | undefined;
  #keyframeTimer: NodeJS.Timeout | undefined;
  #lastKeyframeRequest = 0;
  #closed = false;

  private constructor(
    readonly options: VideoTrackInputOptions,
    readonly tap: TrackTap,
  ) {}

  static async start(options: VideoTrackInputOptions): Promise<VideoTrackInput> {
    const tap = await TrackTap.open(options.room, options.producerId, options.ports);
    await preferLayerForTile(tap, options.width);
    const input = new VideoTrackInput(options, tap);
    try {
      await input.#spawn();
    } catch (error) {
      await input.close();
      throw error;
    }
    return input;
  }

  get width(): number {
    return this.options.width;
  }

  get height(): number {
    return this.options.height;
  }

  get running(): boolean {
    return !this.#closed && !!this.#decoder?.running;
  }

  async #spawn(): Promise<void> {
    const style = this.options.labelStyle ?? DEFAULT_LABELS;
    const labelFile = style.show ? join(this.tap.dir, 'label.txt') : undefined;
    if (labelFile) await writeFile(labelFile, this.options.label);
    const { width, height, fontFile } = this.options;
    const splitter = new FrameSplitter(yuvFrameSize(width, height));
    const onData = (bytes: Buffer) => {
      const data = splitter.push(bytes);
      if (data) this.latest = { width, height, data };
    };
    const args = videoDecoderArgs({ sdpPath: this.tap.sdpPath, width, height, labelFile, fontFile, labelColor: style.color, labelBackground: style.background });
    const decoder = await FfmpegProcess.spawn(this.tap.decoderArgs(args), {
      // Raw frames at 30 a second: read into one reused buffer, not a new Buffer per read.
      pipes: { stdout: { bufferBytes: READ_BUFFER_BYTES, onData } },
    });
    this.#decoder = decoder;
    decoder.on('stderrLine', (line) => {
      if (LOST_SYNC.test(line)) void this.#requestKeyFrame();
    });
    decoder.once('exit', () => {
      if (!this.#closed) this.options.onExit?.(this);
    });
    // Until the first picture arrives, keep asking: the first keyframe may have been sent before
    // FFmpeg listened, and senders answer a PLI with a fresh one.
    this.#keyframeTimer = setInterval(() => {
      if (!this.latest) void this.#requestKeyFrame();
    }, KEYFRAME_RETRY_MS);
    void this.tap.startWhenListening();
  }

  async #requestKeyFrame(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastKeyframeRequest < 300) return;
    this.#lastKeyframeRequest = now;
    await this.tap.requestKeyFrame();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#keyframeTimer);
    await this.#decoder?.stop(1000);
    await this.tap.close();
  }
}

/**
 * A simulcast camera sends three sizes: take the smallest that still fills the tile, so a grid
 * thumbnail is not decoded from a full-HD stream (decoding is most of the egress's CPU).
 */
export function spatialLayerForWidth(tileWidth: number): number {
  return tileWidth <= 360 ? 0 : tileWidth <= 720 ? 1 : 2;
}

async function preferLayerForTile(tap: TrackTap, tileWidth: number): Promise<void> {
  // mediasoup clamps the preference to the layers the producer really sends.
  await tap.tap.preferSpatialLayer(spatialLayerForWidth(tileWidth)).catch(() => undefined);
}

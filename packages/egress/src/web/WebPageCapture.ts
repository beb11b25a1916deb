import { TypedEmitter } from '@roomcast/sfu';
import { type YuvFrame, yuvFrameSize } from '../composite/FrameCanvas.js';
import { FrameSplitter } from '../composite/FrameSplitter.js';
import { FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import { screencastDecoderArgs } from './webLayoutArgs.js';
import { WebLayoutPage, type WebLayoutPageOptions } from './WebLayoutPage.js';

/** Larger than a socket's receive queue usually holds, so one read takes whatever is there. */
const READ_BUFFER_BYTES = 1024 * 1024;
/**
 * FFmpeg's JPEG pipe holds the last few pictures until more arrive (measured: 4-5 behind), and the
 * screencast sends none while the page does not change: so the newest picture is sent again this
 * often while the page is still, and a still page shows within a few of these (10 small JPEG
 * decodes a second: next to nothing).
 */
const REPEAT_MS = 100;

export interface WebPageCaptureEvents extends Record<string, unknown[]> {
  /** The page failed to load, crashed, ended itself, or its browser or decoder died. Once. */
  failed: [reason: string];
}

/**
 * The picture of a web layout, as the compositor takes it: the page rendered by Chromium,
 * captured with CDP's screencast (JPEG pictures, only when the page paints) and decoded by one
 * FFmpeg into yuv420p at the composite's size. `latest` is the newest picture; the compositor
 * draws it full-frame on its own clock, so a static page costs almost nothing.
 *
 * Why the screencast (bench:web-layout, 360p30, 2 cores; bench/reference/web-layout-*.json): it
 * needs no X server and no second video encoder, runs Chromium sandboxed when not root, and a page
 * that does not change costs almost nothing to capture (a still page: 0.14-0.15 of a core for the
 * whole egress, against 0.12-0.13 for Chromium under Xvfb + x11grab + x264, most of both being x264).
 * It is not cheaper on a page that animates everything every frame: 0.64-0.67 against 0.29-0.30,
 * because headless Chromium paints at 60 Hz, reads each picture back and JPEG-encodes it, and the
 * composite adds a decode and its own frame copy. Xvfb + x11grab into the compositor would cost the
 * X path plus that copy, so neither capture beats a bare headless-browser compositor on CPU; the
 * screencast keeps the one pipeline (the same encodes, relays and HLS) and the browser's confinement.
 * Publishing the tab back into the room as a WebRTC track was the third candidate: it adds a VP8
 * encode in Chromium and a VP8 decode here for the same pixels (not built, not measured).
 */
export class WebPageCapture extends TypedEmitter<WebPageCaptureEvents> {
  latest: YuvFrame | undefined;
  /** Pictures received from the page, for tests and status. */
  frames = 0;
  #failed = false;
  #stopped = false;
  #lastJpeg: Buffer | undefined;
  #lastWrite = 0;
  #repeat: NodeJS.Timeout | undefined;

  private constructor(
    readonly page: WebLayoutPage,
    readonly decoder: FfmpegProcess,
  ) {
    super();
  }

  static async start(options: WebLayoutPageOptions): Promise<WebPageCapture> {
    const { width, height } = options;
    const splitter = new FrameSplitter(yuvFrameSize(width, height));
    // The decoder starts first (its output needs somewhere to go): pictures land here once the capture exists.
    const target: { capture?: WebPageCapture } = {};
    const decoder = await FfmpegProcess.spawn(screencastDecoderArgs(width, height), {
      pipes: {
        stdin: true,
        stdout: {
          bufferBytes: READ_BUFFER_BYTES,
          onData: (bytes) => {
            const data = splitter.push(bytes);
            if (data && target.capture) target.capture.latest = { width, height, data };
          },
        },
      },
    });
    let page: WebLayoutPage;
    try {
      page = await WebLayoutPage.open(options);
    } catch (error) {
      await decoder.stop(500);
      throw error;
    }
    const capture = new WebPageCapture(page, decoder);
    target.capture = capture;
    capture.#wire();
    return capture;
  }

  #wire(): void {
    this.page.on('frame', (jpeg) => {
      this.frames++;
      this.#lastJpeg = jpeg;
      this.#write(jpeg);
    });
    this.#repeat = setInterval(() => {
      if (this.#lastJpeg && performance.now() - this.#lastWrite >= REPEAT_MS) this.#write(this.#lastJpeg);
    }, REPEAT_MS);
    this.page.on('failed', (reason) => this.#fail(reason));
    this.decoder.once('exit', (exit) => {
      if (!exit.expected) this.#fail(`the layout page's decoder exited: ${exit.stderr.slice(-1)[0] ?? exit.code}`);
    });
  }

  /** Stops Chromium and the decoder; nothing of either is left. Safe twice. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#repeat);
    await Promise.all([this.page.stop(), this.decoder.stop(500)]);
  }

  /** A picture to the decoder; skipped while the pipe is full (a newer one follows). */
  #write(jpeg: Buffer): void {
    if (!this.decoder.running || this.#stopped || this.decoder.stdin.writableNeedDrain) return;
    this.#lastWrite = performance.now();
    this.decoder.stdin.write(jpeg);
  }

  #fail(reason: string): void {
    if (this.#failed || this.#stopped) return;
    this.#failed = true;
    this.safeEmit('failed', reason);
  }
}

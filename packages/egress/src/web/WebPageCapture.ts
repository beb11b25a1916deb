import { TypedEmitter } from '@roomcast/sfu';
import { type YuvFrame, yuvFrameSize } from '../composite/FrameCanvas.js';
import { FrameSplitter } from '../composite/FrameSplitter.js';
import { FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import type { PageCapture, PageCaptureEvents } from './pageCapture.js';
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

export type WebPageCaptureEvents = PageCaptureEvents;

/**
 * The picture of a web layout captured without an X server (WEB_LAYOUT_CAPTURE=screencast): the
 * page rendered by headless Chromium, captured with CDP's screencast (JPEG pictures, only when the
 * page paints) and decoded by one FFmpeg into yuv420p at the composite's size. `latest` is the
 * newest picture; the compositor draws it full-frame on its own clock.
 *
 * Not the default (see X11PageCapture, bench/README.md "Web layout"): on a page that animates or
 * shows videos, headless Chromium reads back and JPEG-encodes each picture, FFmpeg decodes it again
 * and Node carries it over CDP, about 0.2 of a core more than x11grab at 360p30. It stays
 * selectable because it needs no Xvfb and is a little cheaper on a page that hardly changes (only
 * changed pictures are encoded, where x11grab converts every frame).
 */
export class WebPageCapture extends TypedEmitter<WebPageCaptureEvents> implements PageCapture {
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

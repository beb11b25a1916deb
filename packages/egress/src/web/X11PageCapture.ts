import { TypedEmitter } from '@roomcast/sfu';
import { type YuvFrame, yuvFrameSize } from '../composite/FrameCanvas.js';
import { FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import { ChangedFrameSplitter } from './ChangedFrameSplitter.js';
import { looksBlank } from './blankPicture.js';
import type { PageCapture, PageCaptureEvents } from './pageCapture.js';
import { x11grabArgs } from './webLayoutArgs.js';
import { WebLayoutPage, type WebLayoutPageOptions } from './WebLayoutPage.js';
import { XvfbDisplay } from './XvfbDisplay.js';

/** Larger than a socket's receive queue usually holds, so one read takes whatever is there. */
const READ_BUFFER_BYTES = 1024 * 1024;
const XVFB_START_TIMEOUT_MS = 10_000;
/** After the page painted, a display still blank this long shows a blank page: show it then. */
const SHOW_FALLBACK_MS = 1500;

/**
 * The picture of a web layout captured as Jibri does, without Jibri's own encode: the page in a
 * headful Chromium, full-screen on its own Xvfb display of the composite's size, grabbed by one
 * FFmpeg x11grab at the composite's rate into raw yuv420p pictures that the compositor draws
 * like any other (then the composite's one encode per quality feeds every output).
 *
 * Why the default (bench:web-layout, 360p30, bench/README.md "Web layout"): the screencast makes
 * Chromium read back and JPEG-encode every painted picture, FFmpeg decode it again and Node carry
 * it over CDP; here Chromium paints into Xvfb's memory as a desktop browser does and x11grab copies
 * it once per composite frame. Whole egress: 0.30 against 0.49-0.52 of a core on an animated page,
 * 0.33-0.34 against 0.52-0.58 on the grid page with two publishers; 0.15 against 0.12 on a still
 * page (every frame is grabbed and converted; a repeated one costs the compositor only a memcmp).
 * With Chromium capped at 30 frames a second (ChromiumProcess), 0.27 on the animated page.
 * Chromium under Xvfb + x11grab + x264 alone (Jibri's way, one stream) stays cheaper: 0.25-0.26,
 * 0.27-0.34, 0.10-0.13.
 */
export class X11PageCapture extends TypedEmitter<PageCaptureEvents> implements PageCapture {
  latest: YuvFrame | undefined;
  /** Whether the page is on the display: grabs before it are dropped. */
  showing = false;
  /** The page says it painted; the display may show it a frame or more later. */
  painted = false;
  #failed = false;
  #stopped = false;

  private constructor(
    readonly xvfb: XvfbDisplay,
    readonly page: WebLayoutPage,
    readonly grabber: FfmpegProcess,
    readonly splitter: ChangedFrameSplitter,
  ) {
    super();
  }

  /** Pictures grabbed from the display (changed or not), for tests and status. */
  get frames(): number {
    return this.splitter.frames;
  }

  static async start(options: WebLayoutPageOptions): Promise<X11PageCapture> {
    const { width, height } = options;
    const xvfb = await XvfbDisplay.start(width, height, XVFB_START_TIMEOUT_MS);
    let page: WebLayoutPage | undefined;
    try {
      page = await WebLayoutPage.open(options, { x: xvfb });
      const splitter = new ChangedFrameSplitter(yuvFrameSize(width, height));
      const target: { capture?: X11PageCapture } = {};
      const fps = Math.max(1, Math.round(1000 / options.frameIntervalMs));
      const grabber = await FfmpegProcess.spawn(x11grabArgs(xvfb.display, width, height, fps), {
        env: { XAUTHORITY: xvfb.xauthority },
        pipes: {
          stdout: {
            bufferBytes: READ_BUFFER_BYTES,
            onData: (bytes) => {
              const changed = splitter.push(bytes);
              const capture = target.capture;
              // What the display shows before the page reaches it (Xvfb's black root, Chromium's white
              // window) is never shown: the first picture after `painted` that is not blank is, or,
              // after a while, whatever is there (a page that is one flat grey, white or black).
              const seen = changed ?? splitter.current;
              if (capture?.painted && !capture.showing && seen && !looksBlank(seen, width, height)) capture.showing = true;
              if (!capture?.showing) return;
              const data = changed ?? (capture.latest ? undefined : splitter.current);
              if (data) capture.latest = { width, height, data };
            },
          },
        },
      });
      const capture = new X11PageCapture(xvfb, page, grabber, splitter);
      target.capture = capture;
      capture.#wire();
      return capture;
    } catch (error) {
      await Promise.all([page?.stop(), xvfb.stop()]);
      throw error;
    }
  }

  #wire(): void {
    this.page.on('failed', (reason) => this.#fail(reason));
    // The page's first frame may reach the display well after `painted` (Chromium draws at most 30
    // frames a second, see ChromiumProcess, and later still on a busy machine): the first picture
    // that is not blank shows it; this fallback shows a page that is blank itself.
    const show = (): void => {
      this.painted = true;
      setTimeout(() => (this.showing = true), SHOW_FALLBACK_MS);
    };
    if (this.page.painted) show();
    else this.page.once('painted', show);
    this.grabber.once('exit', (exit) => {
      if (!exit.expected) this.#fail(`the layout page's capture exited: ${exit.stderr.slice(-1)[0] ?? exit.code}`);
    });
    void this.xvfb.exited.then(() => this.#fail("the layout page's display exited"));
  }

  /** Stops the grab, Chromium and Xvfb; nothing of any is left. Safe twice. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    // The grabber and the browser go before their display, so neither reports it vanishing.
    await Promise.all([this.page.stop(), this.grabber.stop(500)]);
    await this.xvfb.stop();
  }

  #fail(reason: string): void {
    if (this.#failed || this.#stopped) return;
    this.#failed = true;
    this.safeEmit('failed', reason);
  }
}

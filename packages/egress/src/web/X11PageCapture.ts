import { TypedEmitter } from '@roomcast/sfu';
import { type YuvFrame, yuvFrameSize } from '../composite/FrameCanvas.js';
import type { DisplaySource } from '../composite/videoSource.js';
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
/** Nobody took a picture for this long (the encoders grab the display themselves): the grab pauses. */
const IDLE_GRAB_MS = 1000;

/**
 * The picture of a web layout captured as Jibri does, without Jibri's own encode: the page in a
 * headful Chromium, full-screen on its own Xvfb display of the composite's size, grabbed by one
 * FFmpeg x11grab at the composite's rate into raw yuv420p pictures that the compositor draws
 * like any other (then the composite's one encode per quality feeds every output).
 *
 * Why the default (bench:web-layout, 360p30, bench/README.md "Web layout"): the screencast makes
 * Chromium read back and JPEG-encode every painted picture, FFmpeg decode it again and Node carry
 * it over CDP; here Chromium paints into Xvfb's memory as a desktop browser does and x11grab copies
 * it once per composite frame: 0.30 against 0.49-0.52 of a core on an animated page, 0.33-0.34
 * against 0.52-0.58 on the grid page with two publishers.
 *
 * While nothing is drawn over the page the encoders grab this display themselves (`display`, see
 * videoSourceFor) and nobody reads `latest`: this grab then pauses, and starts again at the next
 * read. It still runs until the page shows (the first picture that is not blank), and whenever a
 * logo or banner is drawn over the page.
 */
export class X11PageCapture extends TypedEmitter<PageCaptureEvents> implements PageCapture {
  /** Whether the page is on the display: grabs before it are dropped. */
  showing = false;
  /** The page says it painted; the display may show it a frame or more later. */
  painted = false;
  #latest: YuvFrame | undefined;
  #grabber: FfmpegProcess | undefined;
  #starting: Promise<void> | undefined;
  /** A paused grab on its way out: stop() waits for it, so nothing outlives the capture. */
  #pausing: Promise<unknown> = Promise.resolve();
  #lastRead = Date.now();
  #framesBefore = 0;
  #splitter: ChangedFrameSplitter;
  readonly #idleTimer: NodeJS.Timeout;
  #failed = false;
  #stopped = false;

  private constructor(
    readonly xvfb: XvfbDisplay,
    readonly page: WebLayoutPage,
    readonly options: WebLayoutPageOptions,
  ) {
    super();
    this.#splitter = new ChangedFrameSplitter(yuvFrameSize(options.width, options.height));
    this.#idleTimer = setInterval(() => this.#pauseIfIdle(), IDLE_GRAB_MS / 2);
  }

  static async start(options: WebLayoutPageOptions): Promise<X11PageCapture> {
    const xvfb = await XvfbDisplay.start(options.width, options.height, XVFB_START_TIMEOUT_MS);
    let capture: X11PageCapture | undefined;
    try {
      const page = await WebLayoutPage.open(options, { x: xvfb });
      capture = new X11PageCapture(xvfb, page, options);
      await capture.#startGrabber();
      capture.#wire();
      return capture;
    } catch (error) {
      await (capture ? capture.stop() : xvfb.stop());
      throw error;
    }
  }

  /**
   * The newest picture of the page. Reading it keeps the grab running, or starts it again after a
   * pause (undefined then, until the new grab's first picture).
   */
  get latest(): YuvFrame | undefined {
    this.#lastRead = Date.now();
    if (!this.#grabber && !this.#starting && !this.#stopped && !this.#failed) {
      this.#starting = this.#startGrabber()
        .catch((error: unknown) => this.#fail(`the layout page's capture could not start: ${(error as Error).message}`))
        .finally(() => (this.#starting = undefined));
    }
    return this.#latest;
  }

  /** The grab running now, if any (it pauses while nobody reads). */
  get grabber(): FfmpegProcess | undefined {
    return this.#grabber;
  }

  /** Pictures grabbed from the display (changed or not), for tests and status. */
  get frames(): number {
    return this.#framesBefore + this.#splitter.frames;
  }

  /** The display, once the page shows on it: what an encoder may grab itself. */
  get display(): DisplaySource | undefined {
    return this.showing && !this.#failed && !this.#stopped ? { kind: 'display', display: this.xvfb.display, xauthority: this.xvfb.xauthority } : undefined;
  }

  async #startGrabber(): Promise<void> {
    const { width, height, frameIntervalMs } = this.options;
    const splitter = this.#splitter;
    const fps = Math.max(1, Math.round(1000 / frameIntervalMs));
    const grabber = await FfmpegProcess.spawn(x11grabArgs(this.xvfb.display, width, height, fps), {
      env: { XAUTHORITY: this.xvfb.xauthority },
      pipes: { stdout: { bufferBytes: READ_BUFFER_BYTES, onData: (bytes) => this.#onGrab(splitter, bytes) } },
    });
    if (this.#stopped) return void (await grabber.stop(500));
    this.#grabber = grabber;
    grabber.once('exit', (exit) => {
      if (this.#grabber === grabber) this.#grabber = undefined;
      if (!exit.expected) this.#fail(`the layout page's capture exited: ${exit.stderr.slice(-1)[0] ?? exit.code}`);
    });
  }

  #onGrab(splitter: ChangedFrameSplitter, bytes: Buffer): void {
    // The last bytes of a paused grab: gone with it.
    if (splitter !== this.#splitter) return;
    const { width, height } = this.options;
    const changed = splitter.push(bytes);
    // What the display shows before the page reaches it (Xvfb's black root, Chromium's white
    // window) is never shown: the first picture after `painted` that is not blank is, or,
    // after a while, whatever is there (a page that is one flat grey, white or black).
    const seen = changed ?? splitter.current;
    if (this.painted && !this.showing && seen && !looksBlank(seen, width, height)) this.showing = true;
    if (!this.showing) return;
    const data = changed ?? (this.#latest ? undefined : splitter.current);
    if (data) this.#latest = { width, height, data };
  }

  /** The page is showing and nobody has read a picture for a while: the encoders grab it themselves. */
  #pauseIfIdle(): void {
    const grabber = this.#grabber;
    if (!grabber || !this.showing || Date.now() - this.#lastRead < IDLE_GRAB_MS) return;
    this.#grabber = undefined;
    // What the page showed then is old by the time anyone reads again: never shown. The next grab is
    // a new byte stream: a new splitter, so no half picture of this one is kept.
    this.#latest = undefined;
    this.#framesBefore += this.#splitter.frames;
    this.#splitter = new ChangedFrameSplitter(this.#splitter.frameSize);
    this.#pausing = Promise.all([this.#pausing, grabber.stop(500)]);
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
    void this.xvfb.exited.then(() => this.#fail("the layout page's display exited"));
  }

  /** Stops the grab, Chromium and Xvfb; nothing of any is left. Safe twice. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#idleTimer);
    await this.#starting;
    // The grabber and the browser go before their display, so neither reports it vanishing.
    await Promise.all([this.page.stop(), this.#grabber?.stop(500), this.#pausing]);
    await this.xvfb.stop();
  }

  #fail(reason: string): void {
    if (this.#failed || this.#stopped) return;
    this.#failed = true;
    this.safeEmit('failed', reason);
  }
}

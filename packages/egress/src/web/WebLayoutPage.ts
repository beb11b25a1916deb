import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { TypedEmitter } from '@roomcast/sfu';
import { ChromiumProcess, type XDisplay } from './ChromiumProcess.js';
import { requestAllowed, WEB_LAYOUT_CRASHED, WEB_LAYOUT_ENDED, WEB_LAYOUT_FAILED } from './webLayoutSpec.js';

/** What `window.roomcast` carries: the room, the server's base URL for the SDK's `join({url})`, and a hidden recorder's token. */
export interface PageApi {
  room: string;
  serverUrl: string;
  token?: string;
}

export interface WebLayoutPageOptions {
  url: string;
  width: number;
  height: number;
  /** Origins the page may load from and talk to; everything else is aborted. */
  origins: ReadonlySet<string>;
  loadTimeoutMs: number;
  /** The composite's frame interval: pictures come at most this often. */
  frameIntervalMs: number;
  /** What `window.roomcast` carries for the page's SDK: the room and a hidden recorder's token. */
  pageApi: PageApi;
}

/** Where the page is shown: headless with CDP's screencast (`frame` events), or full-screen on an X display that someone else captures. */
export type PageOutput = { screencast: true } | { x: XDisplay };

export interface WebLayoutPageEvents extends Record<string, unknown[]> {
  /** One screencast picture (JPEG), sent when the page painted something new (screencast output only). */
  frame: [jpeg: Buffer];
  /** The page called `window.roomcast.ready()`. */
  ready: [];
  /** The page loaded and has painted (two animation frames after its load): it is worth showing. */
  painted: [];
  /** The page cannot be shown any more (or asked to end): the output fails with this reason. Once. */
  failed: [reason: string];
}

/** Chromium's launch, Playwright's connection and the first page load each get this long at most. */
const LAUNCH_TIMEOUT_MS = 15_000;
/** How long a load that failed because the browser went away waits for that browser's exit to be seen. */
const BROWSER_EXIT_GRACE_MS = 1_000;
/**
 * JPEG quality of the screencast's pictures: they are decoded once and re-encoded by x264 at the
 * destination's bitrate, so 75 loses nothing visible there, and costs Chromium a little less than 85
 * (bench:web-layout, 360p: 0.36 vs 0.38 of a core for the browser on an animated page, within noise).
 */
const SCREENCAST_JPEG_QUALITY = 75;

/**
 * A layout page in its own Chromium: loaded under request interception (only the allowed origins),
 * shown full-screen on an X display or captured with CDP's screencast (pictures only when the page
 * paints), and watched for a failed load, a crash or the browser dying, each reported once as
 * `failed`. stop() always kills Chromium.
 */
export class WebLayoutPage extends TypedEmitter<WebLayoutPageEvents> {
  #browser: Browser | undefined;
  #failed = false;
  #stopped = false;
  /** Requests of the page refused because their origin is not allowed. */
  blocked = 0;
  /** The page loaded and painted (`painted` was emitted). */
  painted = false;

  private constructor(
    readonly options: WebLayoutPageOptions,
    readonly chromiumProcess: ChromiumProcess,
    readonly output: PageOutput,
  ) {
    super();
    void chromiumProcess.exited.then(() => this.#fail('the layout browser exited'));
  }

  /** Starts Chromium and begins loading the page; a failure to load comes later, as `failed`. */
  static async open(options: WebLayoutPageOptions, output: PageOutput = { screencast: true }): Promise<WebLayoutPage> {
    const process = await ChromiumProcess.start(options.width, options.height, LAUNCH_TIMEOUT_MS, 'x' in output ? output.x : undefined);
    const page = new WebLayoutPage(options, process, output);
    try {
      const browser = await chromium.connectOverCDP(process.devtoolsUrl, { timeout: LAUNCH_TIMEOUT_MS });
      page.#browser = browser;
    } catch (error) {
      await page.stop();
      throw error;
    }
    // The load runs on: its failure is the output's (a reason), not this call's.
    page.#load().catch(async (error: unknown) => {
      // A browser that died takes the load with it, and Playwright may say so a moment before the
      // process's exit is seen: then the exit is the reason.
      if (page.#browser?.isConnected() === false) await Promise.race([process.exited, new Promise((resolve) => setTimeout(resolve, BROWSER_EXIT_GRACE_MS))]);
      page.#fail(`${WEB_LAYOUT_FAILED}: ${loadError(error, options.loadTimeoutMs)}`);
    });
    return page;
  }

  get pid(): number | undefined {
    return this.chromiumProcess.pid;
  }

  /** Kills Chromium (the whole process group) and removes its profile. Safe twice. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    // Closing the connection first keeps Playwright from reporting the kill as an error.
    await Promise.race([this.#browser?.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000))]);
    await this.chromiumProcess.stop();
  }

  async #load(): Promise<void> {
    const context = this.#browser!.contexts()[0];
    if (!context) throw new Error('chromium opened no browser context');
    await this.#confine(context);
    const page = context.pages()[0] ?? (await context.newPage());
    // On a display the kiosk window is the viewport already; emulating one there would add a resize step.
    if (!('x' in this.output)) await page.setViewportSize({ width: this.options.width, height: this.options.height });
    page.on('crash', () => this.#fail(WEB_LAYOUT_CRASHED));
    await page.exposeFunction('__roomcastReady', () => this.safeEmit('ready'));
    await page.exposeFunction('__roomcastEnd', () => this.#fail(WEB_LAYOUT_ENDED));
    await page.addInitScript(pageApiScript, this.options.pageApi);
    const response = await page.goto(this.options.url, { timeout: this.options.loadTimeoutMs, waitUntil: 'load' });
    if (this.#stopped) return;
    if (!response) throw new Error('no response');
    if (response.status() >= 400) throw new Error(`HTTP ${response.status()}`);
    if (!('x' in this.output)) await this.#screencast(context, page);
    // On a display nothing says when the loaded page reached the screen: two animation frames do.
    else await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    if (this.#stopped) return;
    this.painted = true;
    this.safeEmit('painted');
  }

  /**
   * Every request and WebSocket of the page goes out only to an allowed origin. Requests are held by
   * CDP's Fetch domain on the browser's own session, which pauses every hop of a redirect chain (and
   * requests of frames and workers alike): Playwright's `route` sees only a chain's first URL, so a
   * page on an allowed origin could 302 the browser anywhere. WebSockets are not in Fetch's reach
   * (and never follow redirects): routeWebSocket refuses those to other origins.
   */
  async #confine(context: BrowserContext): Promise<void> {
    const { origins } = this.options;
    const cdp = await this.#browser!.newBrowserCDPSession();
    cdp.on('Fetch.requestPaused', ({ requestId, request }) => {
      const allowed = requestAllowed(request.url, origins);
      if (!allowed) this.blocked++;
      // The browser closing meanwhile ends the request anyway: nothing to do with a failure here.
      const decided = allowed
        ? cdp.send('Fetch.continueRequest', { requestId })
        : cdp.send('Fetch.failRequest', { requestId, errorReason: 'BlockedByClient' });
      decided.catch(() => undefined);
    });
    await cdp.send('Fetch.enable', { patterns: [{ urlPattern: '*', requestStage: 'Request' }] });
    await context.routeWebSocket(
      (url) => !requestAllowed(url.href, origins),
      (socket) => socket.close({ code: 1008, reason: 'origin not allowed' }),
    );
  }

  async #screencast(context: BrowserContext, page: Page): Promise<void> {
    const cdp = await context.newCDPSession(page);
    let lastFrameAt = 0;
    cdp.on('Page.screencastFrame', ({ data, sessionId }) => {
      const now = performance.now();
      // Chromium sends the next picture only after this one is acknowledged: acknowledging no sooner
      // than a composite frame after the last one caps the pictures at the composite's rate, where a
      // page that animates would otherwise send (and JPEG-encode) one per display refresh, 60 a second.
      const wait = Math.max(0, this.options.frameIntervalMs - (now - lastFrameAt));
      lastFrameAt = now + wait;
      setTimeout(() => cdp.send('Page.screencastFrameAck', { sessionId }).catch(() => undefined), wait);
      if (!this.#stopped) this.safeEmit('frame', Buffer.from(data, 'base64'));
    });
    const { width, height } = this.options;
    await cdp.send('Page.startScreencast', { format: 'jpeg', quality: SCREENCAST_JPEG_QUALITY, maxWidth: width, maxHeight: height, everyNthFrame: 1 });
  }

  #fail(reason: string): void {
    if (this.#failed || this.#stopped) return;
    this.#failed = true;
    this.safeEmit('failed', reason);
  }
}

/** Runs in the page before its own scripts: `window.roomcast`, the page's tiny API. */
function pageApiScript(api: PageApi): void {
  // Runs in the browser: `globalThis` is the page's window (this package has no DOM types).
  const w = globalThis as unknown as Record<string, (...args: unknown[]) => unknown>;
  (globalThis as unknown as { roomcast: unknown }).roomcast = Object.freeze({
    ...api,
    /** Tells the egress the page shows what it should (for the log and status). */
    ready: () => void w.__roomcastReady?.(),
    /** Ends the output (every destination and live stream of the room fails with WEB_LAYOUT_ENDED). */
    end: () => void w.__roomcastEnd?.(),
  });
}

function loadError(error: unknown, timeoutMs: number): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/Timeout/i.test(message)) return `no answer within ${timeoutMs} ms`;
  const net = /net::[A-Z_]+/.exec(message);
  return net ? net[0] : message.split('\n')[0]!.slice(0, 200);
}

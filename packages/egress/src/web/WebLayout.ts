import type { LayoutSpec } from '@roomcast/protocol';
import type { WebLayoutSource } from '../composite/Compositor.js';
import type { YuvFrame } from '../composite/FrameCanvas.js';
import type { DisplaySource } from '../composite/videoSource.js';
import type { PageApi } from './WebLayoutPage.js';
import { DEFAULT_PAGE_CAPTURE, type PageCapture, startPageCapture } from './pageCapture.js';
import { allowedOrigins, settingsForRoom, WEB_LAYOUT_FAILED, type WebLayoutSettings, webLayoutPageUrl } from './webLayoutSpec.js';

export interface WebLayoutOptions {
  room: string;
  settings: WebLayoutSettings;
  /** Work this object starts on its own failed unexpectedly (stopping a browser): for the log. */
  onError: (error: unknown, what: string) => void;
}

/**
 * The compositor's `web` layout: one page capture while the layout is `web`, replaced when its
 * URL changes and stopped when the layout changes away or the composite stops. The compositor's
 * calls are synchronous; the browser's start and stop run behind them, owned here.
 */
export class WebLayout implements WebLayoutSource {
  #url: string | undefined;
  #capture: PageCapture | undefined;
  /** The start or stop in progress: the next one waits for it, so two browsers never overlap. */
  #pending: Promise<void> = Promise.resolve();
  #generation = 0;
  #failure: string | undefined;
  #onFailed: ((reason: string) => void) | undefined;

  constructor(readonly options: WebLayoutOptions) {}

  /**
   * Who hears that the page failed to load, crashed or ended itself (the composite's outputs fail
   * with the reason). A failure before a handler is set is kept and handed over when it is.
   */
  whenFailed(handler: (reason: string) => void): void {
    this.#onFailed = handler;
    if (this.#failure !== undefined) handler(this.#failure);
  }

  show(spec: LayoutSpec, size: { width: number; height: number; fps?: number }): void {
    const settings = settingsForRoom(this.options.settings, this.options.room);
    let url: string;
    try {
      url = webLayoutPageUrl(spec.options.url, settings);
    } catch (error) {
      // Checked at request time already; a URL that slipped through fails the output, never a hang.
      this.#fail(`${WEB_LAYOUT_FAILED}: ${(error as Error).message}`);
      return;
    }
    if (url === this.#url) return;
    this.#url = url;
    const generation = ++this.#generation;
    this.#chain(async () => {
      await this.#stopCapture();
      if (generation !== this.#generation) return;
      const capture = await startPageCapture(settings.capture ?? DEFAULT_PAGE_CAPTURE, {
        url,
        width: size.width,
        height: size.height,
        origins: allowedOrigins(settings),
        loadTimeoutMs: this.options.settings.loadTimeoutMs,
        frameIntervalMs: 1000 / (size.fps ?? 30),
        pageApi: await this.#pageApi(settings),
      }).catch((error: unknown) => {
        if (generation === this.#generation) this.#fail(`${WEB_LAYOUT_FAILED}: ${(error as Error).message}`);
        return undefined;
      });
      if (!capture) return;
      // Hidden or replaced while Chromium started: it goes at once.
      if (generation !== this.#generation) return capture.stop();
      this.#capture = capture;
      capture.once('failed', (reason) => {
        if (this.#capture === capture) this.#fail(reason);
      });
    }, 'start a layout page');
  }

  frame(): YuvFrame | undefined {
    return this.#capture?.latest;
  }

  display(): DisplaySource | undefined {
    return this.#capture?.display;
  }

  hide(): void {
    if (this.#url === undefined) return;
    this.#url = undefined;
    this.#generation++;
    this.#chain(() => this.#stopCapture(), 'stop a layout page');
  }

  /** Stops the page (and waits until Chromium is gone): what the composite awaits at its stop. */
  async stop(): Promise<void> {
    this.hide();
    await this.#pending;
  }

  async #pageApi(settings: WebLayoutSettings): Promise<PageApi> {
    const { room } = this.options;
    return { room, serverUrl: settings.serverOrigin, token: await settings.recorderToken?.(room) };
  }

  async #stopCapture(): Promise<void> {
    const capture = this.#capture;
    this.#capture = undefined;
    await capture?.stop();
  }

  #fail(reason: string): void {
    if (this.#failure !== undefined) return;
    this.#failure = reason;
    this.#onFailed?.(reason);
  }

  #chain(task: () => Promise<void>, what: string): void {
    this.#pending = this.#pending.then(task).catch((error: unknown) => this.options.onError(error, what));
  }
}

import type { YuvFrame } from '../composite/FrameCanvas.js';
import type { DisplaySource } from '../composite/videoSource.js';
import type { WebLayoutPage, WebLayoutPageOptions } from './WebLayoutPage.js';
import { WebPageCapture } from './WebPageCapture.js';
import { X11PageCapture } from './X11PageCapture.js';

/**
 * How a web layout's page becomes the composite's picture (WEB_LAYOUT_CAPTURE):
 * - `x11grab` (default): headful Chromium on its own Xvfb display, grabbed as raw frames (X11PageCapture);
 * - `screencast`: headless Chromium, CDP screencast JPEGs decoded by FFmpeg (WebPageCapture); no X server.
 * bench/README.md ("Web layout") has the figures that chose the default.
 */
export const PAGE_CAPTURES = ['x11grab', 'screencast'] as const;
export type PageCaptureKind = (typeof PAGE_CAPTURES)[number];
export const DEFAULT_PAGE_CAPTURE: PageCaptureKind = 'x11grab';

export interface PageCaptureEvents extends Record<string, unknown[]> {
  /** The page failed to load, crashed, ended itself, or its browser, display or capture died. Once. */
  failed: [reason: string];
}

/** What the web layout needs of a capture, whichever it is. */
export interface PageCapture {
  /** The newest picture, yuv420p at the composite's size; the compositor draws it on its own clock. */
  readonly latest: YuvFrame | undefined;
  /** Pictures received so far, for tests and status. */
  readonly frames: number;
  /** The page's X display once it shows there, which the encoders may grab themselves (x11grab only). */
  readonly display?: DisplaySource;
  readonly page: WebLayoutPage;
  on(event: 'failed', listener: (reason: string) => void): unknown;
  once(event: 'failed', listener: (reason: string) => void): unknown;
  /** Stops every process of the capture; nothing is left. Safe twice. */
  stop(): Promise<void>;
}

/** Starts the page and its capture of the given kind. */
export function startPageCapture(kind: PageCaptureKind, options: WebLayoutPageOptions): Promise<PageCapture> {
  return kind === 'screencast' ? WebPageCapture.start(options) : X11PageCapture.start(options);
}

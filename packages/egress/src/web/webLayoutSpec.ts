import { AppError } from '@roomcast/protocol';
import type { PageCaptureKind } from './pageCapture.js';

/** What every reason a web layout fails with starts with (the RTMP destinations and live stream show it). */
export const WEB_LAYOUT_FAILED = 'the layout page failed to load';
export const WEB_LAYOUT_CRASHED = 'the layout page crashed';
export const WEB_LAYOUT_ENDED = 'the layout page ended the broadcast';

/** Settings of the web layout (WEB_LAYOUT_*), given by the server. */
export interface WebLayoutSettings {
  /** Origins a layout page may come from and reach, besides the server itself (`https://a.example`). */
  origins: string[];
  /** The server's own origin (`http://127.0.0.1:3000`): always allowed, and where the default page lives. */
  serverOrigin: string;
  /** How long the page may take to load before the output fails. */
  loadTimeoutMs: number;
  /** How the page is captured (WEB_LAYOUT_CAPTURE); x11grab by default. */
  capture?: PageCaptureKind;
  /** A token for the room's hidden recorder participant (subscribes, never listed); none: the page gets no token. */
  recorderToken?: (room: string) => Promise<string>;
  /**
   * The origin of the SFU node a room lives on, where its page and signaling are (an egress node
   * serves neither); undefined: `serverOrigin`.
   */
  roomOrigin?: (room: string) => string | undefined;
}

/** The settings as one room's page sees them: the server is the room's SFU node when it has one. */
export function settingsForRoom(settings: WebLayoutSettings, room: string): WebLayoutSettings {
  const origin = settings.roomOrigin?.(room);
  return origin === undefined ? settings : { ...settings, serverOrigin: origin };
}

/** The built-in page for `web` without a URL: the room as a grid, drawn by the client SDK as the hidden recorder (apps/demo/layouts). */
export const DEFAULT_WEB_LAYOUT_PATH = '/layouts/grid.html';

/** The origins a page may reach: the configured ones and the server's own, normalised. */
export function allowedOrigins(settings: Pick<WebLayoutSettings, 'origins' | 'serverOrigin'>): Set<string> {
  const origins = new Set<string>();
  for (const origin of [...settings.origins, settings.serverOrigin]) {
    const parsed = parseHttpUrl(origin);
    if (parsed) origins.add(parsed.origin);
  }
  return origins;
}

/**
 * The page URL to open for a web layout: the given one when its origin is allowed (else a 400
 * before anything starts), or the built-in default page on the server.
 */
export function webLayoutPageUrl(url: string | undefined, settings: Pick<WebLayoutSettings, 'origins' | 'serverOrigin'>): string {
  if (url === undefined) return new URL(DEFAULT_WEB_LAYOUT_PATH, settings.serverOrigin).href;
  const parsed = parseHttpUrl(url);
  if (!parsed) throw new AppError('bad_request', 'the web layout url must be an http(s) URL');
  if (parsed.username || parsed.password) throw new AppError('bad_request', 'the web layout url must not carry credentials');
  if (!allowedOrigins(settings).has(parsed.origin)) {
    throw new AppError('bad_request', `the web layout url's origin ${parsed.origin} is not allowed (WEB_LAYOUT_ORIGINS)`);
  }
  return parsed.href;
}

/** Whether a request the page makes may go out: http(s), ws(s) to an allowed origin, or inline data. */
export function requestAllowed(url: string, origins: ReadonlySet<string>): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:') return true;
  const httpLike = parsed.protocol === 'ws:' ? 'http:' : parsed.protocol === 'wss:' ? 'https:' : parsed.protocol;
  if (httpLike !== 'http:' && httpLike !== 'https:') return false;
  return origins.has(`${httpLike}//${parsed.host}`);
}

function parseHttpUrl(text: string): URL | null {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

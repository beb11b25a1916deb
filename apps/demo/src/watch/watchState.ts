import { LiveStreamIdSchema } from '@roomcast/protocol';

/**
 * The audience page's state. `connecting` until the first frame plays; `live` while it plays;
 * `ended` once the playlist says so (EXT-X-ENDLIST) or the stream went away after playing;
 * `unavailable` when there was never anything to play (ended before, or a wrong link); `failed`
 * when the player gave up for another reason.
 */
export type WatchState = 'connecting' | 'live' | 'ended' | 'unavailable' | 'failed';

export type WatchEvent =
  | { type: 'playing' }
  /** The media playlist has EXT-X-ENDLIST: a recording, the live part is over. */
  | { type: 'endlist' }
  /** The server answers 404 for the stream: stopped (not recorded), failed, or never existed. */
  | { type: 'gone' }
  | { type: 'fatal'; details: string };

const FINAL: ReadonlySet<WatchState> = new Set(['ended', 'unavailable', 'failed']);

export function nextWatchState(state: WatchState, event: WatchEvent): WatchState {
  if (FINAL.has(state)) return state;
  switch (event.type) {
    case 'playing':
      return 'live';
    case 'endlist':
      return 'ended';
    case 'gone':
      return state === 'live' ? 'ended' : 'unavailable';
    case 'fatal':
      return 'failed';
  }
}

export interface WatchMessage {
  badge: string;
  /** Shown over the video; empty while it plays. */
  text: string;
}

export function watchMessage(state: WatchState, detail = ''): WatchMessage {
  switch (state) {
    case 'connecting':
      return { badge: 'Connecting', text: 'Connecting to the live stream…' };
    case 'live':
      return { badge: 'Live', text: '' };
    case 'ended':
      return { badge: 'Ended', text: 'The live stream has ended. Thanks for watching.' };
    case 'unavailable':
      return { badge: 'Offline', text: 'This live stream is not on: it has ended, has not started yet, or the link is wrong.' };
    case 'failed':
      return { badge: 'Error', text: `Playback failed${detail ? ` (${detail})` : ''}. Reload the page to try again.` };
  }
}

/**
 * The master playlist the page at `href` (`/watch/:id`) plays: `../hls/:id/master.m3u8`, relative
 * so the demo may be mounted under a prefix, with the page's signature (`exp`, `sig`) if it has one.
 */
export function masterUrlOf(id: string, href: string): string {
  const url = new URL(`../hls/${encodeURIComponent(id)}/master.m3u8`, href);
  const page = new URL(href).searchParams;
  for (const name of ['exp', 'sig']) {
    const value = page.get(name);
    if (value !== null) url.searchParams.set(name, value);
  }
  return url.href;
}

/** The live stream id in `/watch/:id` (also under a prefix), or null when the path has none or a malformed one. */
export function watchIdFromPath(pathname: string): string | null {
  const match = /\/watch\/([^/]+)\/?$/.exec(pathname);
  if (!match) return null;
  let id: string;
  try {
    id = decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
  return LiveStreamIdSchema.safeParse(id).success ? id : null;
}

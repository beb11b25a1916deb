import type { LiveStreamInfo, LiveStreamStatus } from '@roomcast/protocol';

/** What the HLS section shows for the room's live stream (or its absence), derived from the server's state only. */
export interface LiveStreamView {
  /** `data-status` of the section: a live stream's status, or `idle` when there is none. */
  status: LiveStreamStatus | 'idle';
  label: string;
  /** Why it failed, as the server said. */
  error: string | null;
  /** Start is offered when nothing runs; Stop while it runs; a failed one is dismissed with a stop too. */
  canStart: boolean;
  canStop: boolean;
  stopText: 'Stop' | 'Dismiss';
  /** The playback URL to show and copy (absolute), while there is something to play. */
  playbackUrl: string | null;
  /** Whether the program monitor should play: only once the first part exists. */
  monitor: boolean;
}

const LABELS: Record<LiveStreamStatus, string> = {
  starting: 'Starting…',
  running: 'Live',
  stopping: 'Stopping…',
  stopped: 'Stopped',
  failed: 'Failed',
};

/**
 * The view of the room's live stream. `listed` is `egress.live_streams[0]` (the server lists the
 * active one, or a failed one until it is dismissed); `last` is what this page's own stop
 * returned, because a stopped stream leaves the list and "Stopped" is still worth saying.
 */
export function liveStreamView(listed: LiveStreamInfo | undefined, last: LiveStreamInfo | undefined, origin: string): LiveStreamView {
  const stream = listed ?? last;
  if (!stream) {
    return { status: 'idle', label: 'Off', error: null, canStart: true, canStop: false, stopText: 'Stop', playbackUrl: null, monitor: false };
  }
  const { status } = stream;
  const active = status === 'starting' || status === 'running';
  return {
    status,
    label: LABELS[status],
    error: status === 'failed' ? (stream.error ?? 'unknown reason') : null,
    // A failed stream stays listed until dismissed; a stopped one (only remembered here) is over.
    canStart: listed === undefined || status === 'stopped',
    canStop: listed !== undefined && (active || status === 'failed'),
    stopText: status === 'failed' ? 'Dismiss' : 'Stop',
    playbackUrl: active ? absoluteUrl(stream.playback.url, origin) : null,
    monitor: status === 'running',
  };
}

/** The server gives a path unless PUBLIC_URL is set: a viewer elsewhere needs the whole URL. */
export function absoluteUrl(url: string, origin: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : new URL(url, origin).href;
}

/**
 * The audience page of a live stream on this server (`/watch/:id`), with the playback URL's
 * signature (`exp`, `sig`: HLS_SIGNED_URLS) when it has one, for the page to play with.
 */
export function watchUrl(id: string, origin: string, playbackUrl = ''): string {
  const url = new URL(`/watch/${encodeURIComponent(id)}`, origin);
  const signed = new URL(playbackUrl, origin).searchParams;
  for (const name of ['exp', 'sig']) {
    const value = signed.get(name);
    if (value !== null) url.searchParams.set(name, value);
  }
  return url.href;
}

/** "1.8 s behind live"; nothing before hls.js has measured it. */
export function latencyText(latencyS: number): string {
  return Number.isFinite(latencyS) && latencyS > 0 ? `${latencyS.toFixed(1)} s behind live` : '';
}

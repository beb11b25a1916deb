import { RtmsMediaType, type MediaStreamKind } from '@roomcast/protocol';

export const RTMS_SIGNALING_PATH = '/rtms/signaling';
export const RTMS_MEDIA_PATH = '/rtms/media';

export interface MediaServerUrls {
  all: string;
  audio?: string;
  video?: string;
  transcript?: string;
}

/** host, host:port, IPv4 or [IPv6] with an optional port: nothing that could add a path or a query. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The WebSocket origin apps should dial: PUBLIC_URL when configured (behind a proxy the Host the
 * server sees is not what apps reach), else the Host the app itself connected with, else the
 * socket's local address. A Host that is not a plain host[:port] is ignored, never echoed.
 */
export function rtmsBaseUrl(options: {
  publicUrl?: string;
  host?: string;
  encrypted: boolean;
  localAddress?: string;
  localPort?: number;
}): string {
  if (options.publicUrl) {
    const url = new URL(options.publicUrl);
    const scheme = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return `${scheme}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
  }
  const scheme = options.encrypted ? 'wss:' : 'ws:';
  if (options.host && HOST.test(options.host)) return `${scheme}//${options.host}`;
  const address = options.localAddress ?? '127.0.0.1';
  const host = address.includes(':') ? `[${address}]` : address;
  return `${scheme}//${host}${options.localPort ? `:${options.localPort}` : ''}`;
}

/** The signaling URL (the webhook's `server_urls`). */
export function signalingUrl(base: string): string {
  return `${base}${RTMS_SIGNALING_PATH}`;
}

const KIND_BITS: Record<MediaStreamKind, number> = {
  audio: RtmsMediaType.AUDIO,
  video: RtmsMediaType.VIDEO,
  transcript: RtmsMediaType.TRANSCRIPT,
};

/**
 * msg 2's `media_server.server_urls`: `all` carries everything the stream carries; one URL per
 * carried kind carries only that kind (its `media_type` query stands in for a handshake that
 * names none).
 */
export function mediaServerUrls(base: string, carried: Iterable<MediaStreamKind>): MediaServerUrls {
  const media = `${base}${RTMS_MEDIA_PATH}`;
  const urls: MediaServerUrls = { all: media };
  for (const kind of carried) urls[kind] = `${media}?media_type=${KIND_BITS[kind]}`;
  return urls;
}

/**
 * The kinds a media socket gets: the handshake's `media_type` bits, else the URL's `media_type`
 * query, else ALL; intersected with what the stream carries.
 */
export function grantedKinds(carried: Iterable<MediaStreamKind>, handshakeBits: number | undefined, queryBits: unknown): Set<MediaStreamKind> {
  const bits = handshakeBits ?? parseBits(queryBits) ?? RtmsMediaType.ALL;
  const granted = new Set<MediaStreamKind>();
  for (const kind of carried) if (bits & RtmsMediaType.ALL || bits & KIND_BITS[kind]) granted.add(kind);
  return granted;
}

function parseBits(query: unknown): number | undefined {
  if (typeof query !== 'string' || !/^\d{1,2}$/.test(query)) return undefined;
  const bits = Number(query);
  return bits >= 1 && bits <= 63 ? bits : undefined;
}

/** The kinds a stream carries, from its info. */
export function carriedKinds(info: { audio: unknown; video: unknown; transcript: boolean }): MediaStreamKind[] {
  const kinds: MediaStreamKind[] = [];
  if (info.audio) kinds.push('audio');
  if (info.video) kinds.push('video');
  if (info.transcript) kinds.push('transcript');
  return kinds;
}

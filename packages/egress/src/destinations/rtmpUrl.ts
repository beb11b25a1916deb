/** An rtmp:// or rtmps:// URL taken apart the way FFmpeg's RTMP client (libavformat/rtmpproto.c) reads it. */
export interface RtmpUrl {
  scheme: 'rtmp' | 'rtmps';
  /** Host name or IP address, without the brackets of an IPv6 literal. */
  host: string;
  /** The port given, or the scheme's default (1935, or 443 for rtmps as FFmpeg uses). */
  port: number;
  /** Everything after the authority: `/app/stream?query`, possibly empty. */
  path: string;
}

/** Where one destination publishes: the RTMP application and the stream name ("play path"). */
export interface RtmpPublishPoint {
  app: string;
  playpath: string;
}

const URL_PARTS = /^(rtmps?):\/\/(\[[0-9A-Fa-f:.]+\]|[^/?#:[\]@]+)(?::(\d{1,5}))?([/?#].*)?$/i;

/** Returns undefined for anything that is not an rtmp(s):// URL with a plain host (no user info). */
export function parseRtmpUrl(url: string): RtmpUrl | undefined {
  const match = URL_PARTS.exec(url);
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase() as RtmpUrl['scheme'];
  const port = match[3] === undefined ? (scheme === 'rtmps' ? 443 : 1935) : Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { scheme, host: match[2]!.replace(/^\[(.*)\]$/, '$1'), port, path: match[4] ?? '' };
}

/** `host:port` for a URL: IPv6 literals in brackets. */
export function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Splits `stream_url` (+ `stream_key`) into app and play path exactly as FFmpeg would split the
 * URL `stream_url/stream_key`, so handing them to FFmpeg apart changes nothing at the destination:
 * with a key, the URL's path is the app and the key the play path (YouTube's `live2` + key);
 * without one, the first path segment is the app (the first two when there are three or more) and
 * the rest the play path, with FFmpeg's `.flv` / `mp4:` adjustments.
 */
export function publishPoint(path: string, streamKey?: string): RtmpPublishPoint {
  if (streamKey) return { app: path.replace(/^\//, '').replace(/\/+$/, ''), playpath: streamKey };
  if (path.startsWith('/ondemand/')) return { app: 'ondemand', playpath: adjustPlaypath(path.slice('/ondemand/'.length)) };
  const next = path.slice(1);
  const slash = next.indexOf('/');
  if (slash < 0) return { app: next, playpath: '' };
  const rest = next.slice(slash + 1);
  const secondSlash = rest.indexOf('/');
  const colon = rest.indexOf(':');
  if (secondSlash < 0 || (colon >= 0 && colon < secondSlash)) return { app: next.slice(0, slash), playpath: adjustPlaypath(rest) };
  return { app: next.slice(0, slash + 1 + secondSlash), playpath: adjustPlaypath(rest.slice(secondSlash + 1)) };
}

/** rtmpproto.c: `name.mp4` / `name.f4v` become `mp4:name.mp4`; a `.flv` suffix is dropped. */
function adjustPlaypath(name: string): string {
  if (!name.includes(':') && /\.(?:f4v|mp4)$/.test(name)) return `mp4:${name}`;
  return name.endsWith('.flv') ? name.slice(0, -4) : name;
}

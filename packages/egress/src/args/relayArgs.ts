import { ipFamily } from '../destinations/addressRanges.js';
import { hostPort, parseRtmpUrl, publishPoint } from '../destinations/rtmpUrl.js';

export interface RelayArgsOptions {
  /** A destination silent for this long (handshake or writes) fails. */
  ioTimeoutMs?: number;
  tls?: RtmpsTls;
}

/** How an rtmps:// destination's certificate is checked. */
export interface RtmpsTls {
  /** Check the certificate chain and that it names the host: the stream key is sent only after. */
  verify: boolean;
  /** PEM file of the CAs to trust instead of the system's (a private ingest server). */
  caFile?: string;
}

/** The fd FFmpeg reads the destination's secret options from (`-fpre /dev/fd/3`). */
export const RELAY_OPTIONS_FD = 3;

/**
 * One destination as the relay hands it to FFmpeg: `connectUrl` (scheme, host, port: nothing
 * secret) goes on the command line, which any local user can read in /proc; app, play path
 * (the stream key) and tcUrl go in `options`, read from a file descriptor (see relayOptionsText).
 */
export interface RelayTarget {
  connectUrl: string;
  /** `key=value` lines for FFmpeg's `-fpre`. */
  options: Record<string, string>;
  /** The host name an rtmps:// certificate must name, when we connect to an address instead. */
  verifyHost?: string;
}

/**
 * `stream_url` + `stream_key` as FFmpeg options. With `address` (the destination policy's
 * resolved IP) FFmpeg connects there and never resolves the name again (no DNS rebinding); the
 * RTMP tcUrl keeps the name, and for rtmps:// `-verifyhost` checks the certificate (and sends SNI)
 * for the name, not the address.
 */
export function relayTarget(streamUrl: string, streamKey?: string, address?: string): RelayTarget {
  const url = parseRtmpUrl(streamUrl);
  if (!url) throw new Error('not an rtmp:// or rtmps:// URL');
  const { app, playpath } = publishPoint(url.path, streamKey);
  const options: Record<string, string> = { rtmp_tcurl: `${url.scheme}://${hostPort(url.host, url.port)}/${app}` };
  // FFmpeg's preset reader rejects `key=` with nothing after it: an empty value is left to FFmpeg's default.
  if (app) options.rtmp_app = app;
  if (playpath) options.rtmp_playpath = playpath;
  const byName = ipFamily(url.host) === undefined;
  const connectHost = address !== undefined && byName ? address : url.host;
  return {
    connectUrl: `${url.scheme}://${hostPort(connectHost, url.port)}`,
    options,
    verifyHost: byName && connectHost !== url.host && url.scheme === 'rtmps' ? url.host : undefined,
  };
}

/**
 * The text of FFmpeg's preset file: one `key=value` per line, read with a 1000-byte line buffer.
 * Values never hold CR/LF (the protocol schemas refuse them); a value that would not fit a line is
 * refused here rather than split into a line FFmpeg would print back in its error.
 */
export function relayOptionsText(options: Record<string, string>): string {
  const lines = Object.entries(options).map(([key, value]) => `${key}=${value}`);
  if (lines.some((line) => line.length > 990 || /[\r\n]/.test(line))) throw new Error('relay option too long or multi-line');
  return `${lines.join('\n')}\n`;
}

/** Socket send buffer of a relay's TCP connection; see relayArgs. */
export const RELAY_SEND_BUFFER_BYTES = 256 * 1024;

/**
 * A copy relay: the encoded FLV on stdin, the same bytes to one RTMP(S) destination. No decoding,
 * no encoding: a few percent of a core. `-progress` on stdout tells us when it is really sending.
 * The URL is a RelayTarget's `connectUrl`; the rest of the destination comes from fd 3.
 */
export function relayArgs(connectUrl: string, options: RelayArgsOptions & { verifyHost?: string } = {}): string[] {
  const { ioTimeoutMs = 10_000, tls = { verify: true } } = options;
  return [
    '-hide_banner', '-nostdin', '-loglevel', 'warning',
    // Short probing, but not `nobuffer`: that would drop the probed packets, first keyframe included,
    // and every player would wait a whole GOP for the next one.
    // (`-analyzeduration 0` would mean FFmpeg's default of 5 s; frame-rate probing is skipped.)
    '-analyzeduration', '100000', '-probesize', '32768', '-fpsprobesize', '0',
    '-protocol_whitelist', 'pipe', '-f', 'flv', '-i', 'pipe:0',
    '-map', '0', '-c', 'copy',
    // A destination that stops reading (or never answers the handshake) fails after this long.
    '-rw_timeout', String(ioTimeoutMs * 1000),
    // A bounded socket send buffer (Linux doubles it: 512 KiB, 6 Mbit/s at 600 ms RTT): an ingest
    // that stops reading fills it in seconds and the write blocks into -rw_timeout, instead of
    // Linux's autotuned 4 MiB hiding the stall for half a minute.
    '-send_buffer_size', String(RELAY_SEND_BUFFER_BYTES),
    '-f', 'flv', '-flvflags', 'no_duration_filesize',
    '-progress', 'pipe:1', '-stats_period', '0.2',
    ...tlsArgs(connectUrl, tls, options.verifyHost),
    // App, stream key and tcUrl: per-output options from a file, so `ps` never shows them.
    '-fpre', `/dev/fd/${RELAY_OPTIONS_FD}`,
    connectUrl,
  ];
}

/**
 * FFmpeg does not check a TLS peer unless told to; an unchecked rtmps:// would hand the stream key
 * to whoever answers (FFmpeg 5.1 then checks the chain and that the certificate names the host).
 */
function tlsArgs(url: string, tls: RtmpsTls, verifyHost: string | undefined): string[] {
  if (!/^rtmps:/i.test(url)) return [];
  // The name for SNI (and for the check): without it FFmpeg would use the address we connect to.
  const name = verifyHost ? ['-verifyhost', verifyHost] : [];
  if (!tls.verify) return name;
  return ['-tls_verify', '1', ...(tls.caFile ? ['-ca_file', tls.caFile] : []), ...name];
}

const SECRET_OPTION = /(rtmp_(?:app|playpath|tcurl|conn)\s*=\s*)[^\s'"]+/gi;
const USER_INFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@'"]+@/gi;
// The path ends before a space or quote, and before the `:` FFmpeg puts after a URL in its messages.
const URL_PATH = /(rtmps?:\/\/[^/\s'"?#]+\/[^/\s'"?#]*)([/?#])[^\s'"]*[^\s'":]/gi;

/**
 * Removes what could be secret from text for an operator's log: the stream key wherever it
 * appears (also each line of one that spans lines), user info in any URL, an RTMP URL's path after
 * the app, and the values of FFmpeg's RTMP options. Line by line, and then over the whole text.
 */
export function redactStreamKey(text: string, streamKey?: string): string {
  const secrets = streamKey ? [streamKey, ...streamKey.split(/\r?\n|\r/).filter((part) => part.length >= 4)] : [];
  const redact = (part: string): string => {
    let out = part;
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out.replace(USER_INFO, '$1[redacted]@').replace(URL_PATH, '$1$2[redacted]').replace(SECRET_OPTION, '$1[redacted]');
  };
  return redact(text.split(/(\r?\n|\r)/).map(redact).join(''));
}

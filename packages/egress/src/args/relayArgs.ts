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

/**
 * A copy relay: the encoded FLV on stdin, the same bytes to one RTMP(S) destination. No decoding,
 * no encoding: a few percent of a core. `-progress` on stdout tells us when it is really sending.
 * The URL is the caller's; it has been checked to be rtmp:// or rtmps:// before it gets here.
 */
export function relayArgs(destinationUrl: string, options: RelayArgsOptions = {}): string[] {
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
    '-f', 'flv', '-flvflags', 'no_duration_filesize',
    '-progress', 'pipe:1', '-stats_period', '0.2',
    ...tlsArgs(destinationUrl, tls),
    destinationUrl,
  ];
}

/**
 * FFmpeg does not check a TLS peer unless told to; an unchecked rtmps:// would hand the stream key
 * to whoever answers (FFmpeg 5.1 then checks the chain and that the certificate names the host).
 */
function tlsArgs(url: string, tls: RtmpsTls): string[] {
  if (!/^rtmps:/i.test(url) || !tls.verify) return [];
  return ['-tls_verify', '1', ...(tls.caFile ? ['-ca_file', tls.caFile] : [])];
}

/** `stream_url` + `/` + `stream_key`, as YouTube, Twitch and Facebook expect them joined. */
export function destinationUrl(streamUrl: string, streamKey?: string): string {
  if (!streamKey) return streamUrl;
  return `${streamUrl.replace(/\/+$/, '')}/${streamKey}`;
}

/** Removes a stream key (and the whole path after the app, where keys live) from text we show. */
export function redactStreamKey(text: string, streamKey?: string): string {
  let out = streamKey ? text.split(streamKey).join('[stream key]') : text;
  out = out.replace(/(rtmps?:\/\/[^/\s'"]+\/[^/\s'"]+)\/[^\s'"]+/gi, '$1/[redacted]');
  return out;
}

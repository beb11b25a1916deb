export interface MasterVariant {
  /** Relative URI of the rendition's media playlist, e.g. '720p/index.m3u8'. */
  uri: string;
  /** Peak bits per second. */
  bandwidth: number;
  averageBandwidth?: number;
  width: number;
  height: number;
  /** RFC 6381 codecs, e.g. 'avc1.64001f,mp4a.40.2'. */
  codecs: string;
  frameRate: number;
}

/** The multivariant playlist: one EXT-X-STREAM-INF per rendition (RFC 8216bis §4.4.6.2). */
export function masterPlaylist(variants: MasterVariant[]): string {
  const lines = ['#EXTM3U', '#EXT-X-VERSION:6'];
  for (const v of variants) {
    // These values come from our own code, but one with a quote or newline would forge tags.
    if (/["\r\n]/.test(v.codecs) || /["\r\n]/.test(v.uri) || v.uri.startsWith('#')) throw new Error('invalid variant for a master playlist');
    const attributes = [
      `BANDWIDTH=${Math.round(v.bandwidth)}`,
      ...(v.averageBandwidth ? [`AVERAGE-BANDWIDTH=${Math.round(v.averageBandwidth)}`] : []),
      `RESOLUTION=${Math.round(v.width)}x${Math.round(v.height)}`,
      `CODECS="${v.codecs}"`,
      `FRAME-RATE=${v.frameRate.toFixed(3)}`,
    ];
    lines.push(`#EXT-X-STREAM-INF:${attributes.join(',')}`, v.uri);
  }
  return `${lines.join('\n')}\n`;
}

import { AppError } from '@roomcast/protocol';

/** A blocking playlist reload (LL-HLS): answer once media sequence `msn` (and part `part`) exists. */
export interface BlockingReload {
  msn: number;
  part: number | undefined;
}

/** The spec's decimal-integer, kept to what a number holds exactly. */
const DECIMAL_INTEGER = /^(0|[1-9]\d{0,14})$/;

/**
 * `_HLS_msn` / `_HLS_part` of a media playlist request (RFC 8216bis §6.2.5.2): none, or a
 * blocking reload; a malformed value, or `_HLS_part` without `_HLS_msn`, is a 400.
 */
export function blockingReload(query: Record<string, unknown>): BlockingReload | undefined {
  const msn = directive(query, '_HLS_msn');
  const part = directive(query, '_HLS_part');
  if (msn === undefined && part !== undefined) throw new AppError('bad_request', '_HLS_part needs _HLS_msn');
  return msn === undefined ? undefined : { msn, part };
}

function directive(query: Record<string, unknown>, name: string): number | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !DECIMAL_INTEGER.test(value)) throw new AppError('bad_request', `${name} must be a decimal integer`);
  return Number(value);
}

/** EXT-X-TARGETDURATION of a media playlist (2 s, the segment target, if absent). */
export function targetDurationS(playlist: string): number {
  const target = /^#EXT-X-TARGETDURATION:(\d+)$/m.exec(playlist);
  return Number(target?.[1] ?? 2);
}

/**
 * A request for a segment more than two beyond the playlist's last one is refused (§6.2.5.2:
 * "MUST respond with 400"): it would hold a connection for a segment that cannot come in time.
 */
export function checkReloadWithinReach(reload: BlockingReload, lastMsn: number): void {
  if (reload.msn > lastMsn + 2) {
    throw new AppError('bad_request', `_HLS_msn ${reload.msn} is more than two segments beyond the playlist's last (${lastMsn})`);
  }
}

/** Content types of what a rendition serves (RFC 8216bis §4 and the CMAF registrations). */
export function mediaContentType(name: string): string {
  if (name.endsWith('.m3u8')) return 'application/vnd.apple.mpegurl';
  if (name.endsWith('.mp4')) return 'video/mp4';
  if (name.endsWith('.m4s')) return 'video/iso.segment';
  return 'application/octet-stream';
}

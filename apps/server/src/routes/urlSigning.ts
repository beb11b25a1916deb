import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '@roomcast/protocol';

/*
 * Signed playback URLs (HLS_SIGNED_URLS): `?exp=<unix s>&sig=<hex HMAC-SHA256(secret, prefix + exp)>`
 * where the prefix is the id's directory (`/hls/<id>/`, `/recordings/<id>/`), so one signature
 * serves every file of a stream: the server carries it into the URIs of the playlists it serves,
 * and players that resolve relative URIs keep access. Pure functions; the routes hold the secret.
 */

export interface UrlSigning {
  /** HLS_URL_SECRET: at least 16 characters, never the API secret, never logged. */
  secret: string;
  /** How long a URL handed out stays valid (HLS_URL_TTL_S). */
  ttlS: number;
}

/** The signature of one id's directory, as a query: `exp=…&sig=…`. */
export interface Signature {
  exp: number;
  sig: string;
}

/** `/hls/<id>/` or `/recordings/<id>/` inside a URL's path (a PUBLIC_URL prefix before it is not signed). */
const SIGNED_PREFIX = /\/(?:hls|recordings)\/[A-Za-z0-9_-]+\//;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNIX_SECONDS = /^[1-9]\d{0,11}$/;

export function signatureOf(secret: string, prefix: string, exp: number): string {
  return createHmac('sha256', secret).update(`${prefix}${exp}`).digest('hex');
}

export function signatureQuery(signature: Signature): string {
  return `exp=${signature.exp}&sig=${signature.sig}`;
}

/** `uri` with `query` appended (after its own query, if any; before a fragment). */
export function withQuery(uri: string, query: string): string {
  const hash = uri.indexOf('#');
  const [base, fragment] = hash === -1 ? [uri, ''] : [uri.slice(0, hash), uri.slice(hash)];
  return `${base}${base.includes('?') ? '&' : '?'}${query}${fragment}`;
}

/** `url` without an earlier `exp`/`sig` (so signing twice gives one signature). */
function unsigned(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return url;
  const kept = url.slice(query + 1).split('&').filter((p) => p !== '' && !/^(exp|sig)=/.test(p));
  return kept.length > 0 ? `${url.slice(0, query)}?${kept.join('&')}` : url.slice(0, query);
}

/**
 * A playback or recording URL handed out, signed for `ttlS` from `nowS`. A URL with no signed
 * prefix in its path (not ours) comes back as it was.
 */
export function signUrl(signing: UrlSigning, url: string, nowS: number): string {
  const bare = unsigned(url);
  const path = bare.replace(/^[a-z]+:\/\/[^/]*/i, '').split(/[?#]/)[0]!;
  const prefix = SIGNED_PREFIX.exec(path)?.[0];
  if (prefix === undefined) return url;
  const exp = nowS + signing.ttlS;
  return withQuery(bare, signatureQuery({ exp, sig: signatureOf(signing.secret, prefix, exp) }));
}

/**
 * The valid, unexpired signature a request under `prefix` carries; a 403 (`forbidden`, the same
 * message whatever is wrong, so nothing is learned by probing) otherwise. Constant-time compare.
 */
export function verifySignature(secret: string, prefix: string, query: Record<string, unknown>, nowS: number): Signature {
  const { exp, sig } = query;
  const refused = new AppError('forbidden', 'this URL needs a valid, unexpired signature (exp, sig)');
  if (typeof exp !== 'string' || typeof sig !== 'string' || !UNIX_SECONDS.test(exp) || !HEX_SHA256.test(sig)) throw refused;
  const expected = Buffer.from(signatureOf(secret, prefix, Number(exp)), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(sig, 'hex')) || Number(exp) <= nowS) throw refused;
  return { exp: Number(exp), sig };
}

/**
 * A playlist whose every URI carries `query`: URI lines (segments, variants in a master) and
 * `URI="…"` attributes (EXT-X-MAP, EXT-X-PART, EXT-X-PRELOAD-HINT, EXT-X-RENDITION-REPORT,
 * EXT-X-MEDIA, …). Comments and other tags are left as they are.
 */
export function signPlaylist(playlist: string, query: string): string {
  return playlist
    .split('\n')
    .map((line) => {
      if (line.startsWith('#EXT')) return line.replace(/URI="([^"]*)"/g, (_match, uri: string) => `URI="${withQuery(uri, query)}"`);
      const trimmed = line.trim();
      return trimmed === '' || trimmed.startsWith('#') ? line : line.replace(trimmed, () => withQuery(trimmed, query));
    })
    .join('\n');
}

/** `signUrl` at the wall clock: what the egress calls on every URL it hands out. */
export function urlSigner(signing: UrlSigning): (url: string) => string {
  return (url) => signUrl(signing, url, Math.floor(Date.now() / 1000));
}

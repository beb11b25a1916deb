import { ParticipantClaimsSchema, type ParticipantClaims } from '@roomcast/protocol';

/**
 * The signaling WebSocket URL for a server base URL: http(s) becomes ws(s), `/ws` is appended to
 * the base path (so a server behind a path prefix works) and the token goes in the query string,
 * because browsers cannot set headers on a WebSocket handshake.
 */
export function signalUrl(baseUrl: string, token: string): string {
  const url = new URL(baseUrl);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new TypeError(`unsupported server URL scheme "${url.protocol}" (use http(s):// or ws(s)://)`);
  }
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/ws`;
  url.search = '';
  url.hash = '';
  url.searchParams.set('token', token);
  return url.toString();
}

/**
 * Reads the claims of a participant token without verifying it (only the server can). They are a
 * hint: whether to ask for a send transport at all, and who we are before `join` answers.
 */
export function readTokenClaims(token: string): ParticipantClaims | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = decodeBase64Url(payload);
    const parsed = ParticipantClaimsSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the claims allow publishing: viewers never do; explicit capabilities replace the role's. */
export function claimsAllowPublish(claims: ParticipantClaims | undefined): boolean {
  if (!claims) return true; // Unknown: ask, and let the server say `forbidden`.
  if (claims.role === 'viewer') return false;
  return claims.capabilities ? claims.capabilities.includes('publish') : true;
}

function decodeBase64Url(text: string): string {
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

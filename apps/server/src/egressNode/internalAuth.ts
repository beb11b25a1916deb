import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What an SFU node shows an egress node (`/internal/egress`): a key derived from the shared API
 * secret for this one purpose, so it is neither the secret nor any token a client could hold.
 */
export function internalToken(apiSecret: string): string {
  return createHmac('sha256', apiSecret).update('roomcast internal egress link v1').digest('base64url');
}

/** Constant-time check of an `Authorization: Bearer …` header against the internal token. */
export function isInternalRequest(authorization: string | undefined, apiSecret: string): boolean {
  const presented = Buffer.from(authorization?.replace(/^Bearer /, '') ?? '');
  const expected = Buffer.from(internalToken(apiSecret));
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

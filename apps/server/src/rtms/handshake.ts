import { createHmac, timingSafeEqual } from 'node:crypto';
import { RtmsStatus, mediaStreamSignatureInput, type RtmsStatusCode } from '@roomcast/protocol';
import type { AppLike, AppLookup, StreamLike, StreamLookup } from './ports.js';

/** hex HMAC-SHA256(client_secret, "client_id,room_id,stream_id"): what an app signs its handshakes with. */
export function mediaStreamSignature(app: Pick<AppLike, 'client_id' | 'client_secret'>, roomId: string, streamId: string): string {
  return createHmac('sha256', app.client_secret).update(mediaStreamSignatureInput(app.client_id, roomId, streamId)).digest('hex');
}

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** Constant-time comparison of two hex digests (the length of a well-formed one is no secret). */
export function signatureMatches(expectedHex: string, givenHex: string): boolean {
  if (!HEX_SHA256.test(givenHex) || !HEX_SHA256.test(expectedHex)) return false;
  return timingSafeEqual(Buffer.from(expectedHex, 'hex'), Buffer.from(givenHex, 'hex'));
}

export type HandshakeVerdict =
  | { ok: true; stream: StreamLike; app: AppLike }
  | { ok: false; status: RtmsStatusCode; reason: string };

/**
 * Who may learn what. A caller whose signature matches no registered app's secret gets
 * SIGNATURE_INVALID, whether the stream exists or not: without a client secret one cannot tell a
 * live stream id from a made-up one (nor its room). Only a caller holding some app's secret hears
 * STREAM_NOT_FOUND (no such stream of *that* app in that room: another app's stream looks the same)
 * or STREAM_ENDED. Every app's signature is computed on every attempt, so the time taken does not
 * depend on whether the stream exists either.
 */
export function verifyHandshake(
  deps: { streams: StreamLookup; apps: AppLookup },
  request: { room_id: string; stream_id: string; signature: string },
): HandshakeVerdict {
  const signers: AppLike[] = [];
  for (const app of deps.apps.all()) {
    if (signatureMatches(mediaStreamSignature(app, request.room_id, request.stream_id), request.signature)) signers.push(app);
  }
  if (signers.length === 0) return refuse(RtmsStatus.SIGNATURE_INVALID, 'signature does not match');
  const stream = deps.streams.get(request.stream_id);
  const app = stream && signers.find((candidate) => candidate.id === stream.appId);
  if (!stream || !app || stream.roomName !== request.room_id) {
    return refuse(RtmsStatus.STREAM_NOT_FOUND, 'no such stream for this app in this room');
  }
  if (stream.ended) return refuse(RtmsStatus.STREAM_ENDED, 'the stream has ended');
  return { ok: true, stream, app };
}

function refuse(status: RtmsStatusCode, reason: string): HandshakeVerdict {
  return { ok: false, status, reason };
}

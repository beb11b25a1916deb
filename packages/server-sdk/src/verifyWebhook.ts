import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError, WebhookEventSchema, type WebhookEvent } from '@roomcast/protocol';

/*
 * The one implementation of webhook verification: @roomcast/media-stream-client re-exports it.
 * It needs node:crypto (a synchronous, constant-time compare), so it cannot live in
 * @roomcast/protocol, which also runs in browsers.
 */

/** Default replay window: a signature older or newer than this is refused. */
export const DEFAULT_WEBHOOK_TOLERANCE_S = 300;

/** Why a webhook was refused: lets a receiver log the reason without parsing messages. */
export type WebhookRejection = 'signature_missing' | 'signature_invalid' | 'signature_expired' | 'malformed_body';

/**
 * A refused webhook. `code` is `unauthorized` for signature problems (answer 401) and
 * `invalid_body` for a correctly signed body that is not a webhook event (answer 400).
 */
export class WebhookVerificationError extends AppError {
  readonly reason: WebhookRejection;

  constructor(reason: WebhookRejection, message: string) {
    super(reason === 'malformed_body' ? 'invalid_body' : 'unauthorized', message);
    this.name = 'WebhookVerificationError';
    this.reason = reason;
  }
}

/**
 * Checks a Roomcast webhook and returns its event. The header is
 * `Roomcast-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`;
 * per-app webhooks (`media_stream.*`) are signed with the app's client_secret.
 *
 * Pass the body exactly as received (before any JSON parsing): the MAC covers its bytes.
 * Throws `WebhookVerificationError` (an `AppError`): `unauthorized` for a missing, malformed,
 * wrong or stale signature (older or newer than `toleranceS`, which bounds replays),
 * `invalid_body` for a correctly signed body that is not a webhook event.
 */
export function verifyWebhook(
  rawBody: string | Uint8Array,
  signatureHeader: string | undefined,
  secret: string,
  toleranceS = DEFAULT_WEBHOOK_TOLERANCE_S,
  nowS: number = Math.floor(Date.now() / 1000),
): WebhookEvent {
  const body = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  const { timestamp, signatures } = parseSignatureHeader(signatureHeader ?? '');
  if (Math.abs(nowS - timestamp) > toleranceS) throw new WebhookVerificationError('signature_expired', 'webhook signature expired');
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
  // Every v1 is compared (a sender rotating secrets may send two); no early exit on content.
  let valid = false;
  for (const signature of signatures) {
    const given = Buffer.from(signature, 'hex');
    if (given.length === expected.length && timingSafeEqual(given, expected)) valid = true;
  }
  if (!valid) throw new WebhookVerificationError('signature_invalid', 'webhook signature invalid');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new WebhookVerificationError('malformed_body', 'webhook body is not JSON');
  }
  const parsed = WebhookEventSchema.safeParse(json);
  if (!parsed.success) throw new WebhookVerificationError('malformed_body', 'webhook body is not a webhook event');
  return parsed.data;
}

function parseSignatureHeader(header: string): { timestamp: number; signatures: string[] } {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && value && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value);
  }
  if (timestamp === undefined || signatures.length === 0) {
    throw new WebhookVerificationError('signature_missing', 'webhook signature missing or malformed');
  }
  return { timestamp, signatures };
}

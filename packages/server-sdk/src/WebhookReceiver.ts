import { SIGNATURE_HEADER, type WebhookEvent } from '@roomcast/protocol';
import { DEFAULT_WEBHOOK_TOLERANCE_S, verifyWebhook } from './verifyWebhook.js';

export interface ReceiveOptions {
  /** How far the signature's timestamp may be from now, either way; default 300 s. */
  toleranceSeconds?: number;
}

/**
 * Verifies webhooks from a Roomcast server, signed with its `WEBHOOK_SECRET` (or an app's
 * client_secret for `media_stream.*`). Receivers should also dedupe on `event.id`: delivery is
 * at least once.
 */
export class WebhookReceiver {
  /** The header to read: `request.headers[WebhookReceiver.header]` in Node's http (lower case). */
  static readonly header = SIGNATURE_HEADER.toLowerCase();
  readonly #secret: string;

  constructor(secret: string) {
    if (!secret) throw new TypeError('WebhookReceiver needs the webhook secret');
    this.#secret = secret;
  }

  /**
   * The typed event, or throws `WebhookVerificationError` (bad or missing signature, stale
   * timestamp, malformed body). `rawBody` must be the bytes as received, not re-serialized JSON.
   */
  receive(rawBody: string | Uint8Array, signatureHeader: string | string[] | undefined, options: ReceiveOptions = {}): WebhookEvent {
    // Node gives a repeated header as an array; one signature header is expected.
    const header = Array.isArray(signatureHeader) ? signatureHeader.join(',') : signatureHeader;
    return verifyWebhook(rawBody, header, this.#secret, options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_S);
  }
}

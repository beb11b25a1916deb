import { createHmac, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { backoffDelay, SIGNATURE_HEADER, type WebhookEvent, type WebhookEventType } from '@roomcast/protocol';

export interface WebhookSenderOptions {
  urls: string[];
  secret: string;
  log: FastifyBaseLogger;
  maxAttempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`: what receivers verify. */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * Delivers events to every configured URL, signed, at least once: a failed POST (network error,
 * timeout or non-2xx) is retried with exponential backoff. Receivers dedupe on `id`.
 */
export class WebhookSender {
  readonly #pending = new Set<Promise<void>>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #closed = false;

  constructor(readonly options: WebhookSenderOptions) {}

  send(type: WebhookEventType, roomId: string, data: Record<string, unknown>): WebhookEvent | undefined {
    if (this.options.urls.length === 0 || this.#closed) return undefined;
    const event: WebhookEvent = { id: randomUUID(), type, created_at: new Date().toISOString(), room_id: roomId, data };
    const body = JSON.stringify(event);
    for (const url of this.options.urls) this.#track(this.#deliver(url, event, body, 1));
    return event;
  }

  /** Waits for deliveries under way (not for scheduled retries), then drops the rest. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    await Promise.allSettled([...this.#pending]);
  }

  #track(delivery: Promise<void>): void {
    this.#pending.add(delivery);
    void delivery.finally(() => this.#pending.delete(delivery));
  }

  async #deliver(url: string, event: WebhookEvent, body: string, attempt: number): Promise<void> {
    const { secret, log, maxAttempts = 6, baseDelayMs = 1000, timeoutMs = 5000 } = this.options;
    const signature = signWebhook(secret, body, Math.floor(Date.now() / 1000));
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) return;
      throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      if (this.#closed) return;
      const host = safeHost(url);
      if (attempt >= maxAttempts) {
        log.warn({ event: event.type, id: event.id, host, attempt }, `webhook gave up: ${(error as Error).message}`);
        return;
      }
      log.info({ event: event.type, id: event.id, host, attempt }, `webhook failed, retrying: ${(error as Error).message}`);
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        this.#track(this.#deliver(url, event, body, attempt + 1));
      }, backoffDelay(attempt - 1, { initialDelayMs: baseDelayMs, maxDelayMs: 5 * 60_000, factor: 2, jitter: 0.2 }));
      this.#timers.add(timer);
    }
  }
}

/** Only the host goes into logs: webhook URLs may carry tokens in their path or query. */
function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'invalid-url';
  }
}

import { createHmac, randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { backoffDelay, SIGNATURE_HEADER, type WebhookEvent, type WebhookEventType } from '@roomcast/protocol';
import { MemoryWebhookQueue } from './MemoryWebhookQueue.js';
import { RedisWebhookQueue } from './RedisWebhookQueue.js';
import type { RetryPolicy, WebhookJob, WebhookQueue } from './webhookJob.js';

export interface WebhookSenderOptions {
  urls: string[];
  secret: string;
  log: FastifyBaseLogger;
  maxAttempts?: number;
  baseDelayMs?: number;
  timeoutMs?: number;
  /** With REDIS_URL: the queue lives in Redis under `roomcast:webhooks:<queueName>` (retries survive a restart). */
  redis?: Redis;
  /** Distinguishes senders that sign with different secrets (the server's, each media app's). */
  queueName?: string;
  pollMs?: number;
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>`: what receivers verify. */
export function signWebhook(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/**
 * Delivers events to every configured URL, signed, at least once: a failed POST (network error,
 * timeout or non-2xx) is retried with exponential backoff. Receivers dedupe on `id`. The queue
 * holding the retries is Redis when configured, else this process's memory.
 */
export class WebhookSender {
  readonly #queue: WebhookQueue;
  #closed = false;

  constructor(readonly options: WebhookSenderOptions) {
    const { maxAttempts = 6, baseDelayMs = 1000, timeoutMs = 5000, log } = options;
    const retry: RetryPolicy = {
      maxAttempts,
      delayMs: (attempt) => backoffDelay(attempt - 1, { initialDelayMs: baseDelayMs, maxDelayMs: 5 * 60_000, factor: 2, jitter: 0.2 }),
    };
    const deliver = (job: WebhookJob): Promise<boolean> => this.#deliver(job, maxAttempts, timeoutMs);
    const onError = (error: unknown): void => log.warn({ err: error }, 'webhook queue task failed');
    this.#queue = options.redis
      ? new RedisWebhookQueue({
          redis: options.redis,
          prefix: `roomcast:webhooks:${options.queueName ?? 'server'}`,
          deliver,
          retry,
          // A claimed attempt stays reserved well past the POST timeout, then any server may retry it.
          leaseMs: timeoutMs + 10_000,
          pollMs: options.pollMs,
          onError,
        })
      : new MemoryWebhookQueue(deliver, retry, onError);
  }

  /** Queues the event for every URL and returns at once: delivery never blocks the caller. */
  send(type: WebhookEventType, roomId: string, data: Record<string, unknown>): WebhookEvent | undefined {
    if (this.options.urls.length === 0 || this.#closed) return undefined;
    const event: WebhookEvent = { id: randomUUID(), type, created_at: new Date().toISOString(), room_id: roomId, data };
    const body = JSON.stringify(event);
    this.options.urls.forEach((url, index) => this.#queue.push({ key: `${event.id}:${index}`, url, body, eventId: event.id, type, attempt: 1 }));
    return event;
  }

  /** Waits for deliveries under way (not for scheduled retries: in Redis they wait for the next server). */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue.close();
  }

  /** One signed POST; false on a network error, a timeout or a non-2xx answer (logged with the host only). */
  async #deliver(job: WebhookJob, maxAttempts: number, timeoutMs: number): Promise<boolean> {
    const { secret, log } = this.options;
    const signature = signWebhook(secret, job.body, Math.floor(Date.now() / 1000));
    try {
      const response = await fetch(job.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature },
        body: job.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The body is not read: release the connection.
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return true;
      throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      const details = { event: job.type, id: job.eventId, host: safeHost(job.url), attempt: job.attempt };
      if (job.attempt >= maxAttempts) log.warn(details, `webhook gave up: ${(error as Error).message}`);
      else log.info(details, `webhook failed, retrying: ${(error as Error).message}`);
      return false;
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

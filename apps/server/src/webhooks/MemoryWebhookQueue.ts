import { type DeliverAttempt, DueTimers, InFlight, nextAttempt, type RetryPolicy, type WebhookJob, type WebhookQueue } from './webhookJob.js';

/**
 * Without Redis: attempts run in this process and retries wait on timers, so a restart drops the
 * retries still waiting (what `close()` has always done).
 */
export class MemoryWebhookQueue implements WebhookQueue {
  readonly #timers = new DueTimers((job) => this.#run(job));
  readonly #inFlight: InFlight;
  #closed = false;

  constructor(
    readonly deliver: DeliverAttempt,
    readonly retry: RetryPolicy,
    onError: (error: unknown) => void,
  ) {
    this.#inFlight = new InFlight(onError);
  }

  push(job: WebhookJob): void {
    if (!this.#closed) this.#run(job);
  }

  /** Waits for attempts under way (not for scheduled retries), then drops the rest. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#timers.take();
    await this.#inFlight.settle();
  }

  #run(job: WebhookJob): void {
    this.#inFlight.track(
      (async () => {
        if (await this.deliver(job)) return;
        const next = nextAttempt(job, this.retry, Date.now());
        if (next && !this.#closed) this.#timers.add(next.job, next.dueAt);
      })(),
    );
  }
}

/** One event to one URL, as a queue stores it: the body is final, the signature is made per attempt. */
export interface WebhookJob {
  /** `<event id>:<url index>`: unique per sender, the member name in Redis. */
  key: string;
  url: string;
  body: string;
  eventId: string;
  type: string;
  /** The attempt this job is due for, from 1. */
  attempt: number;
}

/** Posts one attempt; resolves false on any failure (never rejects): retrying is the queue's call. */
export type DeliverAttempt = (job: WebhookJob) => Promise<boolean>;

export interface RetryPolicy {
  maxAttempts: number;
  /** Wait after failed attempt `attempt` (1-based) before the next one. */
  delayMs(attempt: number): number;
}

/** The job's next attempt and when it is due, or undefined once the attempts are spent. */
export function nextAttempt(job: WebhookJob, policy: RetryPolicy, now: number): { job: WebhookJob; dueAt: number } | undefined {
  if (job.attempt >= policy.maxAttempts) return undefined;
  return { job: { ...job, attempt: job.attempt + 1 }, dueAt: now + policy.delayMs(job.attempt) };
}

/** What every queue does: takes new jobs (first attempt at once) and waits for attempts under way on close. */
export interface WebhookQueue {
  push(job: WebhookJob): void;
  close(): Promise<void>;
}

/** Jobs waiting for their due time on timers; `take()` hands the waiting ones over (e.g. to Redis). */
export class DueTimers {
  readonly #waiting = new Map<string, { job: WebhookJob; dueAt: number; timer: NodeJS.Timeout }>();

  constructor(readonly fire: (job: WebhookJob) => void) {}

  get size(): number {
    return this.#waiting.size;
  }

  add(job: WebhookJob, dueAt: number): void {
    const previous = this.#waiting.get(job.key);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => {
      this.#waiting.delete(job.key);
      this.fire(job);
    }, Math.max(0, dueAt - Date.now()));
    this.#waiting.set(job.key, { job, dueAt, timer });
  }

  /** Removes and returns every waiting job with its due time. */
  take(): { job: WebhookJob; dueAt: number }[] {
    const all = [...this.#waiting.values()];
    for (const entry of all) clearTimeout(entry.timer);
    this.#waiting.clear();
    return all.map(({ job, dueAt }) => ({ job, dueAt }));
  }
}

/** Runs promises that must all be awaited on close; a rejection is reported, never left unhandled. */
export class InFlight {
  readonly #pending = new Set<Promise<void>>();

  constructor(readonly onError: (error: unknown) => void) {}

  get size(): number {
    return this.#pending.size;
  }

  track(work: Promise<void>): void {
    const owned = work.catch(this.onError);
    this.#pending.add(owned);
    void owned.finally(() => this.#pending.delete(owned));
  }

  async settle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }
}

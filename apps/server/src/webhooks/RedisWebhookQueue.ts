import type { Redis } from 'ioredis';
import { type DeliverAttempt, DueTimers, InFlight, nextAttempt, type RetryPolicy, type WebhookJob, type WebhookQueue } from './webhookJob.js';

/**
 * Claims the due jobs atomically: each is pushed to `lease` in the sorted set (not removed), so a
 * server that dies mid-attempt loses nothing (the job is due again when the lease ends) and no two
 * servers sharing Redis can claim the same attempt (Lua scripts run alone).
 * KEYS: due (zset), jobs (hash); ARGV: now, lease end, batch size. Returns key, job, key, job…
 */
const CLAIM_DUE = `
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local jobs = {}
for _, key in ipairs(keys) do
  local job = redis.call('HGET', KEYS[2], key)
  if job then
    redis.call('ZADD', KEYS[1], ARGV[2], key)
    table.insert(jobs, key)
    table.insert(jobs, job)
  else
    redis.call('ZREM', KEYS[1], key)
  end
end
return jobs`;

const MAX_IN_FLIGHT = 100;

export interface RedisWebhookQueueOptions {
  redis: Redis;
  /** Key prefix of this sender's jobs, e.g. `roomcast:webhooks:server` (each sender signs with its own secret). */
  prefix: string;
  deliver: DeliverAttempt;
  retry: RetryPolicy;
  /** How long a claimed attempt is reserved: longer than a delivery can take. */
  leaseMs: number;
  pollMs?: number;
  onError(error: unknown): void;
}

/**
 * With Redis: every job is stored (sorted set of due times + hash of jobs) before its attempt, so
 * pending retries survive a restart and any server on the same Redis may run them (at least once;
 * receivers dedupe on `id`). While Redis is unreachable, jobs wait on timers in memory (and are
 * attempted from there when due); each poll moves them to Redis once it answers again.
 */
export class RedisWebhookQueue implements WebhookQueue {
  readonly #due: string;
  readonly #jobs: string;
  readonly #memory = new DueTimers((job) => this.#attempt(job));
  readonly #inFlight: InFlight;
  readonly #poller: NodeJS.Timeout;
  #polling = false;
  #closed = false;

  constructor(readonly options: RedisWebhookQueueOptions) {
    this.#due = `${options.prefix}:due`;
    this.#jobs = `${options.prefix}:jobs`;
    this.#inFlight = new InFlight(options.onError);
    this.#poller = setInterval(() => this.#poll(), options.pollMs ?? 500);
  }

  /** Jobs waiting in memory because Redis did not answer (for metrics and tests). */
  get waitingInMemory(): number {
    return this.#memory.size;
  }

  push(job: WebhookJob): void {
    if (this.#closed) return;
    // Stored as claimed by us first, so a crash during the first attempt still leaves it in Redis.
    this.#inFlight.track(this.#store(job, Date.now() + this.options.leaseMs).then((stored) => (stored ? this.#run(job) : this.#attempt(job))));
  }

  /** Stops polling, waits for attempts under way (their retries are stored); what Redis holds stays for the next server. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#poller);
    await this.#inFlight.settle();
    await this.#flushMemory();
    const lost = this.#memory.take().length;
    if (lost > 0) this.options.onError(new Error(`redis unreachable at shutdown: ${lost} webhook retries dropped`));
  }

  #poll(): void {
    // A backlog is claimed as attempts finish, not all at once: slow receivers must not pile up sockets.
    const capacity = MAX_IN_FLIGHT - this.#inFlight.size;
    if (this.#polling || this.#closed || capacity <= 0 || this.options.redis.status !== 'ready') return;
    this.#polling = true;
    this.#inFlight.track(
      (async () => {
        try {
          await this.#flushMemory();
          const now = Date.now();
          const claimed = (await this.options.redis.eval(CLAIM_DUE, 2, this.#due, this.#jobs, now, now + this.options.leaseMs, Math.min(50, capacity))) as string[];
          for (let i = 0; i + 1 < claimed.length; i += 2) this.#inFlight.track(this.#claimed(claimed[i]!, claimed[i + 1]!));
        } catch {
          // Redis went away mid-poll: the next tick after it is back claims these jobs.
        } finally {
          this.#polling = false;
        }
      })(),
    );
  }

  /** A job that does not parse (written by something else) is dropped, not claimed again every lease. */
  async #claimed(key: string, raw: string): Promise<void> {
    let job: WebhookJob;
    try {
      job = JSON.parse(raw) as WebhookJob;
    } catch {
      this.options.onError(new Error(`unreadable webhook job ${key} dropped`));
      await this.#forget(key);
      return;
    }
    await this.#run(job);
  }

  async #forget(key: string): Promise<void> {
    await this.options.redis.multi().zrem(this.#due, key).hdel(this.#jobs, key).exec().catch(() => undefined);
  }

  /** An attempt of a job Redis holds (claimed by us): on success forget it, on failure store its retry. */
  async #run(job: WebhookJob): Promise<void> {
    const delivered = await this.options.deliver(job);
    const next = delivered ? undefined : nextAttempt(job, this.options.retry, Date.now());
    if (next) {
      if (!(await this.#store(next.job, next.dueAt))) this.#memory.add(next.job, next.dueAt);
      return;
    }
    // Delivered or given up. If Redis is away now, the lease ends and someone delivers it again (at least once).
    await this.#forget(job.key);
  }

  /** An attempt of a job Redis does not hold (it was unreachable): retries go to Redis if it is back. */
  #attempt(job: WebhookJob): void {
    this.#inFlight.track(
      (async () => {
        if (await this.options.deliver(job)) return;
        const next = nextAttempt(job, this.options.retry, Date.now());
        if (!next) return;
        if (!(await this.#store(next.job, next.dueAt))) this.#memory.add(next.job, next.dueAt);
      })(),
    );
  }

  /** Stores a job due at `dueAt`; false when Redis did not take it. */
  async #store(job: WebhookJob, dueAt: number): Promise<boolean> {
    if (this.options.redis.status !== 'ready') return false;
    try {
      const results = await this.options.redis.multi().hset(this.#jobs, job.key, JSON.stringify(job)).zadd(this.#due, dueAt, job.key).exec();
      return results !== null && results.every(([error]) => error === null);
    } catch {
      return false;
    }
  }

  /** Moves what waited in memory to Redis; what Redis refuses goes back on its timer. */
  async #flushMemory(): Promise<void> {
    for (const { job, dueAt } of this.#memory.take()) {
      if (!(await this.#store(job, dueAt))) this.#memory.add(job, dueAt);
    }
  }
}

import { describe, expect, it } from 'vitest';
import { MemoryWebhookQueue } from './MemoryWebhookQueue.js';
import { reconnectDelayMs, redactRedisUrl } from './redisClient.js';
import { DueTimers, nextAttempt, type RetryPolicy, type WebhookJob } from './webhookJob.js';

const job = (key: string, attempt = 1): WebhookJob => ({ key, url: 'http://127.0.0.1:9/h', body: '{}', eventId: key, type: 'room.started', attempt });
const policy = (maxAttempts: number, delay = 5): RetryPolicy => ({ maxAttempts, delayMs: () => delay });

describe('nextAttempt', () => {
  it('bumps the attempt and dates it by the policy, until the attempts are spent', () => {
    const retry: RetryPolicy = { maxAttempts: 3, delayMs: (attempt) => attempt * 100 };
    expect(nextAttempt(job('a', 1), retry, 1000)).toEqual({ job: job('a', 2), dueAt: 1100 });
    expect(nextAttempt(job('a', 2), retry, 1000)).toEqual({ job: job('a', 3), dueAt: 1200 });
    expect(nextAttempt(job('a', 3), retry, 1000)).toBeUndefined();
  });
});

describe('DueTimers', () => {
  it('fires a job when due, and take() hands over the waiting ones with their due times, unfired', async () => {
    const fired: string[] = [];
    const timers = new DueTimers((j) => fired.push(j.key));
    timers.add(job('soon'), Date.now());
    const later = Date.now() + 60_000;
    timers.add(job('later'), later);
    await expect.poll(() => fired).toEqual(['soon']);
    expect(timers.take()).toEqual([{ job: job('later'), dueAt: later }]);
    expect(timers.size).toBe(0);
  });
});

describe('MemoryWebhookQueue', () => {
  it('retries a failed attempt until it is delivered', async () => {
    const attempts: number[] = [];
    const queue = new MemoryWebhookQueue(async (j) => (attempts.push(j.attempt), j.attempt >= 3), policy(6), (e) => { throw e; });
    queue.push(job('e1'));
    await expect.poll(() => attempts).toEqual([1, 2, 3]);
    await queue.close();
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('gives up after maxAttempts', async () => {
    const attempts: number[] = [];
    const queue = new MemoryWebhookQueue(async (j) => (attempts.push(j.attempt), false), policy(2), (e) => { throw e; });
    queue.push(job('e1'));
    await expect.poll(() => attempts).toEqual([1, 2]);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(attempts).toEqual([1, 2]);
    await queue.close();
  });

  it('close() waits for the attempt under way and drops the scheduled retry', async () => {
    let release!: (ok: boolean) => void;
    const attempts: number[] = [];
    const queue = new MemoryWebhookQueue(
      (j) => (attempts.push(j.attempt), new Promise<boolean>((resolve) => (release = resolve))),
      policy(6, 1),
      (e) => { throw e; },
    );
    queue.push(job('e1'));
    let closed = false;
    const closing = queue.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(closed).toBe(false);
    release(false);
    await closing;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(attempts).toEqual([1]);
    queue.push(job('e2'));
    expect(attempts).toEqual([1]);
  });
});

describe('redis settings', () => {
  it('redacts credentials of REDIS_URL', () => {
    expect(redactRedisUrl('redis://:s3cret@cache.internal:6380/2')).toBe('redis://***@cache.internal:6380/2');
    expect(redactRedisUrl('rediss://app:s3cret@cache.internal')).toBe('rediss://***@cache.internal');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactRedisUrl('not a url s3cret')).toBe('invalid-url');
  });

  it('reconnects with a doubling delay capped at 3 s', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map(reconnectDelayMs)).toEqual([100, 200, 400, 800, 1600, 3000, 3000]);
  });
});

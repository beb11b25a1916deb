import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRedisClient } from './redisClient.js';
import { RedisWebhookQueue } from './RedisWebhookQueue.js';
import { startRedisTestServer, type RedisTestServer } from './redisTestServer.js';
import type { DeliverAttempt, WebhookJob } from './webhookJob.js';

const PREFIX = 'test:webhooks';
const silent = { info: () => undefined, warn: () => undefined };
const job = (key: string): WebhookJob => ({ key, url: 'http://127.0.0.1:9/h', body: '{}', eventId: key, type: 'room.started', attempt: 1 });

describe('RedisWebhookQueue', () => {
  let redis: RedisTestServer;
  let client: Redis;
  const queues: RedisWebhookQueue[] = [];
  const errors: unknown[] = [];
  const queue = (deliver: DeliverAttempt, options: { leaseMs?: number; retryDelayMs?: number; pollMs?: number } = {}): RedisWebhookQueue => {
    const created = new RedisWebhookQueue({
      redis: client,
      prefix: PREFIX,
      deliver,
      retry: { maxAttempts: 6, delayMs: () => options.retryDelayMs ?? 30_000 },
      leaseMs: options.leaseMs ?? 10_000,
      pollMs: options.pollMs ?? 100,
      onError: (error) => errors.push(error),
    });
    queues.push(created);
    return created;
  };
  const stored = async (key: string): Promise<WebhookJob | undefined> => {
    const raw = await client.hget(`${PREFIX}:jobs`, key).catch(() => null);
    return raw === null ? undefined : (JSON.parse(raw) as WebhookJob);
  };

  beforeAll(async () => {
    redis = await startRedisTestServer();
    client = createRedisClient(redis.url, silent);
    await new Promise((resolve) => client.once('ready', resolve));
  });
  afterEach(async () => {
    for (const q of queues.splice(0)) await q.close();
    await expect.poll(() => client.status, { timeout: 10_000 }).toBe('ready');
    await client.flushall();
    expect(errors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    client?.disconnect();
    await redis?.close();
  });

  it('retries that waited in memory during an outage move to Redis as soon as it answers, before they are due', async () => {
    const attempts: string[] = [];
    const q = queue(async (j) => (attempts.push(`${j.key}#${j.attempt}`), false));
    await redis.stop();
    await expect.poll(() => client.status).not.toBe('ready');
    for (const key of ['a', 'b', 'c']) q.push(job(key));
    await expect.poll(() => q.waitingInMemory).toBe(3);
    await redis.start();
    await expect.poll(() => q.waitingInMemory, { timeout: 10_000 }).toBe(0);
    for (const key of ['a', 'b', 'c']) expect(await stored(key)).toEqual({ ...job(key), attempt: 2 });
    // Moved, not attempted again (the retry is due in 30 s).
    expect(attempts.sort()).toEqual(['a#1', 'b#1', 'c#1']);
  });

  it('an attempt whose server stopped mid-way is claimed by another once its lease ends, and only by one', async () => {
    let release: ((delivered: boolean) => void) | undefined;
    const first: string[] = [];
    // The dying server polls no more: it only holds the attempt it started.
    const dying = queue((j) => (first.push(j.key), new Promise<boolean>((resolve) => (release = resolve))), { leaseMs: 1000, pollMs: 600_000 });
    const others: string[] = [];
    const deliverOther: DeliverAttempt = async (j) => (others.push(`${j.key}#${j.attempt}`), true);
    queue(deliverOther, { leaseMs: 1000 });
    queue(deliverOther, { leaseMs: 1000 });
    dying.push(job('hung'));
    try {
      await expect.poll(() => first).toEqual(['hung']);
      await expect.poll(() => others, { timeout: 5000 }).toEqual(['hung#1']);
      await expect.poll(() => stored('hung')).toBeUndefined();
      expect(others).toEqual(['hung#1']);
    } finally {
      release?.(false);
    }
  });
});

import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../testServer.js';
import { startRedisTestServer, type RedisTestServer } from './redisTestServer.js';
import { startWebhookTestReceiver, type TestAnswer, type WebhookTestReceiver } from './webhookTestReceiver.js';

const JOBS = 'roomcast:webhooks:server:jobs';

describe('webhooks queued in Redis (REDIS_URL)', () => {
  let redis: RedisTestServer;
  let inspect: Redis;
  const servers: TestServer[] = [];
  const receivers: WebhookTestReceiver[] = [];
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown): void => void rejections.push(reason);

  beforeAll(async () => {
    redis = await startRedisTestServer();
    // The test's own view of Redis, to see what the servers stored.
    inspect = new Redis(redis.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 100 });
    inspect.on('error', () => undefined);
    process.on('unhandledRejection', onRejection);
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
    for (const receiver of receivers.splice(0)) await receiver.close();
    if (inspect.status === 'ready') await inspect.flushall();
    expect(rejections).toEqual([]);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    inspect?.disconnect();
    await redis?.close();
  });

  const receiver = async (respond: (event: WebhookEvent, previous: number) => TestAnswer): Promise<WebhookTestReceiver> => {
    const started = await startWebhookTestReceiver(respond);
    receivers.push(started);
    return started;
  };
  const server = async (url: string, options: { captureLogs?: boolean } = {}): Promise<TestServer> => {
    const started = await startTestServer({ WEBHOOK_URLS: url, REDIS_URL: redis.url }, options);
    servers.push(started);
    return started;
  };
  const createRoom = async (on: TestServer, name: string): Promise<void> => {
    expect((await on.api('/v1/rooms', { method: 'POST', body: { name } })).status).toBe(201);
  };
  const storedJob = async (id: string): Promise<{ attempt: number } | undefined> => {
    const raw = await inspect.hget(JOBS, `${id}:0`);
    return raw === null ? undefined : (JSON.parse(raw) as { attempt: number });
  };

  it('retries an event whose receiver failed first, delivers it, then forgets it', async () => {
    const hooks = await receiver((_event, previous) => (previous === 0 ? 503 : 204));
    const a = await server(hooks.url);
    await createRoom(a, 'retried');
    await expect.poll(() => hooks.deliveredIds('room.started'), { timeout: 15_000 }).toHaveLength(1);
    const [id] = hooks.deliveredIds('room.started');
    expect(hooks.attemptsAt(id!).map((attempt) => attempt.status)).toEqual([503, 204]);
    await expect.poll(() => storedJob(id!)).toBeUndefined();
  });

  it('a retry pending when its server closes is delivered by the next server on the same Redis', async () => {
    let receiverUp = false;
    const hooks = await receiver(() => (receiverUp ? 204 : 503));
    const a = await server(hooks.url);
    await createRoom(a, 'restarted');
    await expect.poll(() => hooks.attempts.find((attempt) => attempt.event.type === 'room.started')).toBeDefined();
    const id = hooks.attempts.find((attempt) => attempt.event.type === 'room.started')!.event.id;
    await expect.poll(() => storedJob(id)).toEqual(expect.objectContaining({ attempt: 2 }));
    await a.close();
    // Nothing of server A runs any more: only B can deliver it.
    receiverUp = true;
    await server(hooks.url);
    await expect.poll(() => hooks.deliveredIds('room.started'), { timeout: 15_000 }).toEqual([id]);
    expect(hooks.attemptsAt(id).filter((attempt) => attempt.status === 204)).toHaveLength(1);
  }, 60_000);

  it('two servers on one Redis run each attempt once', async () => {
    // The retries answer slowly (3 polls long): a job not claimed while its attempt runs would be claimed again.
    const hooks = await receiver((_event, previous) => (previous === 0 ? 503 : { status: 204, delayMs: 1500 }));
    const a = await server(hooks.url);
    await server(hooks.url);
    for (let i = 0; i < 10; i++) await createRoom(a, `shared-${i}`);
    await expect.poll(() => hooks.deliveredIds('room.started'), { timeout: 20_000 }).toHaveLength(10);
    // Wait until Redis holds none of them: every claim is settled (a duplicate claim would have run by now).
    for (const id of hooks.deliveredIds('room.started')) await expect.poll(() => storedJob(id), { timeout: 5000 }).toBeUndefined();
    for (const id of hooks.deliveredIds('room.started')) {
      expect(hooks.attemptsAt(id).map((attempt) => attempt.status)).toEqual([503, 204]);
    }
  }, 60_000);

  it('while Redis is down events queue in memory, move to Redis when it returns, and none is lost', async () => {
    let receiverUp = false;
    const hooks = await receiver(() => (receiverUp ? 204 : 503));
    const a = await server(hooks.url, { captureLogs: true });
    await redis.stop();
    for (let i = 0; i < 3; i++) await createRoom(a, `outage-${i}`);
    const startedIds = (): string[] => [...new Set(hooks.attempts.filter((x) => x.event.type === 'room.started').map((x) => x.event.id))];
    await expect.poll(startedIds).toHaveLength(3);
    const ids = startedIds();
    // Retried from memory while Redis is away: each event's second attempt came from a timer here.
    await expect.poll(() => ids.every((id) => hooks.attemptsAt(id).length >= 2), { timeout: 10_000 }).toBe(true);
    await redis.start();
    for (const id of ids) await expect.poll(() => storedJob(id).catch(() => undefined), { timeout: 15_000 }).toBeDefined();
    // They are Redis's now: a new server delivers them after this one is gone.
    await a.close();
    receiverUp = true;
    await server(hooks.url);
    await expect.poll(() => hooks.deliveredIds('room.started').sort(), { timeout: 15_000 }).toEqual([...ids].sort());
    // No crash and no unhandled rejection: afterEach checks the process's handler saw none.
    const logs = a.logs.join('\n');
    expect(logs).toContain('redis unreachable');
    expect(logs).toContain('redis://***@127.0.0.1');
    expect(logs).not.toContain(redis.password);
  }, 60_000);
});

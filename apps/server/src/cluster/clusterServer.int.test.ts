import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testServer.js';
import { startRedisTestServer, type RedisTestServer } from '../webhooks/redisTestServer.js';
import { type TestCluster, testCluster } from './clusterTesting.js';
import { parseNodeInfo } from './nodeInfo.js';

describe('a server with REDIS_URL joins the cluster', () => {
  let redis: RedisTestServer;
  let server: TestServer;
  let cluster: TestCluster;
  let client: Redis;

  beforeAll(async () => {
    redis = await startRedisTestServer();
    server = await startTestServer({ REDIS_URL: redis.url, NODE_ID: 'server-under-test', LOG_LEVEL: 'info' }, { captureLogs: true });
    client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    client.on('error', () => undefined);
  });
  afterAll(async () => {
    await cluster?.closeAll();
    await server?.close();
    client?.disconnect();
    await redis?.close();
  });

  const health = async (): Promise<{ status: number; body: unknown }> => {
    const response = await server.api('/healthz', { auth: false });
    return { status: response.status, body: await response.json() };
  };

  it('registers under NODE_ID with its role, URL and load, and says so in /healthz and /metrics', async () => {
    await expect.poll(health, { timeout: 5000 }).toEqual({ status: 200, body: { status: 'ok', workers: 1, role: 'all', cluster: 'up' } });
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'cluster-room' } });
    const stored = async () => parseNodeInfo((await client.get('roomcast:node:server-under-test')) ?? '');
    await expect.poll(async () => (await stored())?.load.rooms, { timeout: 5000 }).toBe(1);
    expect(await stored()).toMatchObject({ id: 'server-under-test', role: 'all', internal_url: server.url });
    const metrics = await (await server.api('/metrics', { auth: false })).text();
    expect(metrics).toMatch(/^roomcast_cluster_nodes\{role="all"\} 1$/m);
    expect(metrics).toMatch(/^roomcast_cluster_nodes\{role="egress"\} 0$/m);
  });

  it('sees another node join and leave (logged by id, never with the Redis password)', async () => {
    // The server's registry uses the default prefix: the other node must too, to be seen.
    cluster = testCluster(redis.url, { prefix: 'roomcast' });
    const other = await cluster.node('egress-y', 'egress');
    const metrics = async () => (await server.api('/metrics', { auth: false })).text();
    await expect.poll(metrics, { timeout: 5000 }).toMatch(/^roomcast_cluster_nodes\{role="egress"\} 1$/m);
    await other.close();
    await expect.poll(() => server.logs.some((line) => line.includes('cluster node lost') && line.includes('egress-y')), { timeout: 5000 }).toBe(true);
    expect(server.logs.some((line) => line.includes('cluster node joined') && line.includes('egress-y'))).toBe(true);
    expect(await metrics()).toMatch(/^roomcast_cluster_nodes\{role="egress"\} 0$/m);
    expect([...server.logs, ...cluster.logs].join('\n')).not.toContain(redis.password);
  });

  it('keeps answering /healthz with 200 while Redis is down (cluster: down), and registers again when it returns', async () => {
    await redis.stop();
    await expect.poll(health, { timeout: 5000 }).toEqual({ status: 200, body: { status: 'ok', workers: 1, role: 'all', cluster: 'down' } });
    // Still serving: the room it has answers.
    expect((await server.api('/v1/rooms/cluster-room')).status).toBe(200);
    // The reconnect attempts fail and say so, naming Redis by its redacted URL.
    await expect.poll(() => server.logs.some((line) => line.includes('redis unreachable')), { timeout: 5000 }).toBe(true);
    await redis.start();
    await expect.poll(health, { timeout: 8000 }).toMatchObject({ body: { cluster: 'up' } });
    await expect.poll(() => client.exists('roomcast:node:server-under-test'), { timeout: 5000 }).toBe(1);
    expect(server.logs.filter((line) => line.includes('registered in the cluster'))).toHaveLength(2);
    expect(server.logs.join('\n')).not.toContain(redis.password);
  });

  it('deregisters on shutdown', async () => {
    await server.close();
    expect(await client.exists('roomcast:node:server-under-test')).toBe(0);
    expect(await client.sismember('roomcast:nodes', 'server-under-test')).toBe(0);
    expect(server.logs.join('\n')).not.toContain(redis.password);
  });
});

import { AppError } from '@roomcast/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisTestServer, type RedisTestServer } from '../webhooks/redisTestServer.js';
import { type TestCluster, testCluster, thrown } from './clusterTesting.js';
import type { NodeInfo } from './nodeInfo.js';

const ids = (nodes: NodeInfo[]): string[] => nodes.map((n) => n.id).sort();

describe('NodeRegistry', () => {
  let redis: RedisTestServer;
  let cluster: TestCluster;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  beforeAll(async () => {
    redis = await startRedisTestServer();
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(async () => {
    await cluster.closeAll();
    expect(unhandled.splice(0)).toEqual([]);
    expect(cluster.logs.join('\n')).not.toContain(redis.password);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await redis?.close();
  });

  it('two nodes see each other with their roles and load', async () => {
    cluster = testCluster(redis.url);
    const sfu = await cluster.node('sfu-1', 'sfu', { rooms: 3, cpu: 0.5 });
    const joined: NodeInfo[] = [];
    sfu.registry.on('nodeJoined', (node) => joined.push(node));
    const egress = await cluster.node('egress-1', 'egress', { composites: 1, cpu: 1, cores: 4 });
    await expect.poll(() => ids(sfu.registry.nodes()), { timeout: 5000 }).toEqual(['egress-1', 'sfu-1']);
    await expect.poll(() => ids(egress.registry.nodes()), { timeout: 5000 }).toEqual(['egress-1', 'sfu-1']);
    expect(sfu.registry.nodes('egress')).toEqual([
      { id: 'egress-1', role: 'egress', internal_url: 'http://egress-1.internal:3000', started_at: expect.any(String), load: { cpu: 1, cores: 4, rooms: 0, composites: 1 } },
    ]);
    expect(egress.registry.nodes('sfu')[0]?.load).toEqual({ cpu: 0.5, cores: 2, rooms: 3, composites: 0 });
    expect(joined.map((n) => n.id)).toEqual(['egress-1']);
    // Load follows the callback at each heartbeat.
    egress.load.composites = 2;
    await expect.poll(() => sfu.registry.nodes('egress')[0]?.load.composites, { timeout: 5000 }).toBe(2);
  });

  it('a node that stops heart-beating without deregistering (as if SIGKILLed) is lost within 5 s; one that closes, at once', async () => {
    cluster = testCluster(redis.url);
    const a = await cluster.node('a', 'sfu');
    const b = await cluster.node('b', 'egress');
    const c = await cluster.node('c', 'egress');
    await expect.poll(() => ids(a.registry.nodes()), { timeout: 5000 }).toEqual(['a', 'b', 'c']);
    const lost: string[] = [];
    a.registry.on('nodeLost', (node) => lost.push(node.id));
    await b.registry.close({ deregister: false });
    await expect.poll(() => lost, { timeout: 5000 }).toEqual(['b']);
    expect(ids(a.registry.nodes())).toEqual(['a', 'c']);
    // Its id left the set with its key: nothing to scan later.
    expect(await a.redis.smembers(`${cluster.prefix}:nodes`)).not.toContain('b');
    await c.registry.close();
    expect(await a.redis.exists(a.registry.nodeKey('c'))).toBe(0);
    await expect.poll(() => lost, { timeout: 2500 }).toEqual(['b', 'c']);
  });

  it('places egress on the live egress-capable node with the most headroom, following its load', async () => {
    cluster = testCluster(redis.url);
    const sfu = await cluster.node('sfu', 'sfu', { cores: 16 });
    const big = await cluster.node('big', 'egress', { cores: 4, cpu: 3 });
    const small = await cluster.node('small', 'all', { cores: 2, cpu: 0.5 });
    await expect.poll(() => ids(sfu.registry.nodes()), { timeout: 5000 }).toEqual(['big', 'sfu', 'small']);
    expect(sfu.registry.pickEgressNode().id).toBe('small');
    small.load.cpu = 1.9;
    await expect.poll(() => sfu.registry.pickEgressNode().id, { timeout: 5000 }).toBe('big');
    await big.registry.close();
    await small.registry.close();
    await expect.poll(() => ids(sfu.registry.nodes()), { timeout: 5000 }).toEqual(['sfu']);
    const error = await thrown(() => sfu.registry.pickEgressNode());
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(503);
  });

  it('while Redis is down: unavailable, coded 503, nothing unhandled; back on the same port: registered again, without a spurious loss', async () => {
    cluster = testCluster(redis.url);
    const a = await cluster.node('a', 'egress');
    const b = await cluster.node('b', 'sfu');
    await expect.poll(() => ids(b.registry.nodes()), { timeout: 5000 }).toEqual(['a', 'b']);
    const lost: string[] = [];
    b.registry.on('nodeLost', (node) => lost.push(node.id));
    await redis.stop();
    await expect.poll(() => a.registry.available, { timeout: 5000 }).toBe(false);
    const error = await thrown(() => a.registry.pickEgressNode());
    expect(error).toMatchObject({ code: 'cluster_unavailable', status: 503 });
    const placed = await thrown(() => a.placement.claim('room-1'));
    expect(placed).toMatchObject({ code: 'cluster_unavailable', status: 503 });
    a.load.rooms = 5;
    // Long enough for every key's TTL to pass: what comes back must be a new registration.
    await new Promise((resolve) => setTimeout(resolve, a.registry.ttlMs + 500));
    // `a` reconnects last (its backoff happened to be longer): `b` polls a Redis without it meanwhile.
    a.redis.disconnect();
    await redis.start();
    await expect.poll(() => b.registry.available, { timeout: 8000 }).toBe(true);
    let beats = 0;
    b.registry.on('heartbeat', () => beats++);
    await expect.poll(() => beats, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    expect(await b.redis.exists(b.registry.nodeKey('a'))).toBe(0);
    await a.redis.connect();
    await expect.poll(() => b.registry.nodes('egress')[0]?.load.rooms, { timeout: 5000 }).toBe(5);
    expect(a.registry.available).toBe(true);
    expect(lost).toEqual([]);
  });
});

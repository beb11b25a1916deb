import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startRedisTestServer, type RedisTestServer } from '../webhooks/redisTestServer.js';
import { type TestCluster, testCluster, thrown } from './clusterTesting.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('RoomPlacement', () => {
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
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await redis?.close();
  });

  const twoNodes = async () => {
    cluster = testCluster(redis.url);
    const a = await cluster.node('sfu-a', 'sfu');
    const b = await cluster.node('sfu-b', 'sfu');
    await expect.poll(() => a.registry.available && b.registry.available, { timeout: 5000 }).toBe(true);
    return { a, b };
  };

  it('one owner per room: the first claim wins, others learn the owner, a release frees it', async () => {
    const { a, b } = await twoNodes();
    expect(await a.placement.claim('r1')).toBe('sfu-a');
    expect(await b.placement.claim('r1')).toBe('sfu-a');
    expect(await a.placement.claim('r1')).toBe('sfu-a');
    expect(await b.placement.owner('r1')).toBe('sfu-a');
    expect([...a.placement.rooms]).toEqual(['r1']);
    expect([...b.placement.rooms]).toEqual([]);
    // Only the owner's release counts.
    await b.placement.release('r1');
    expect(await b.placement.owner('r1')).toBe('sfu-a');
    await a.placement.release('r1');
    expect(await b.placement.owner('r1')).toBeUndefined();
    expect(await b.placement.claim('r1')).toBe('sfu-b');
  });

  it("the owner's heartbeat keeps its rooms past the TTL", async () => {
    const { a, b } = await twoNodes();
    await a.placement.claim('kept');
    await sleep(a.registry.ttlMs * 2);
    expect(await b.placement.owner('kept')).toBe('sfu-a');
    expect(await b.placement.claim('kept')).toBe('sfu-a');
  });

  it('another node takes the room over once its owner is lost, even before the room key expires', async () => {
    const { a, b } = await twoNodes();
    expect(await a.placement.claim('r2')).toBe('sfu-a');
    const lost: string[] = [];
    b.registry.on('nodeLost', (node) => lost.push(node.id));
    // As if SIGKILLed: no more heartbeats, nothing deregistered, the room key still set.
    await a.registry.close({ deregister: false });
    expect(await b.placement.claim('r2')).toBe('sfu-a');
    await expect.poll(() => lost, { timeout: 5000 }).toEqual(['sfu-a']);
    // The room key outliving its owner's entry (refreshed a moment later, or a long TTL) must not block the takeover.
    await b.redis.pexpire(`${cluster.prefix}:room:r2`, 60_000);
    expect(await b.placement.claim('r2')).toBe('sfu-b');
    expect(await a.placement.owner('r2')).toBe('sfu-b');
  });

  it('a room taken while its owner was cut off is reported lost; one whose key vanished is claimed again', async () => {
    const { a } = await twoNodes();
    await a.placement.claim('taken');
    await a.placement.claim('vanished');
    const lostRooms: Array<[string, string]> = [];
    a.placement.on('roomLost', (room, owner) => lostRooms.push([room, owner]));
    const key = (room: string): string => `${cluster.prefix}:room:${room}`;
    await a.redis.set(key('taken'), 'sfu-z', 'PX', 60_000);
    // Redis restarted without its data, as far as this room is concerned.
    await a.redis.del(key('vanished'));
    await expect.poll(() => lostRooms, { timeout: 5000 }).toEqual([['taken', 'sfu-z']]);
    expect([...a.placement.rooms]).toEqual(['vanished']);
    await expect.poll(() => a.redis.get(key('vanished')), { timeout: 5000 }).toBe('sfu-a');
  });

  it('while Redis is down every operation throws the coded 503 and nothing is unhandled; back up, the rooms are held again', async () => {
    const { a, b } = await twoNodes();
    await a.placement.claim('r3');
    await redis.stop();
    await expect.poll(() => a.registry.available, { timeout: 5000 }).toBe(false);
    for (const operation of [() => a.placement.claim('r4'), () => a.placement.owner('r3'), () => a.placement.release('r4')]) {
      expect(await thrown(operation)).toMatchObject({ code: 'cluster_unavailable', status: 503 });
    }
    // Past the TTL: the key is gone when Redis returns, and the owner's heartbeat sets it again.
    await sleep(a.registry.ttlMs + 500);
    await redis.start();
    await expect.poll(() => b.registry.available, { timeout: 8000 }).toBe(true);
    await expect.poll(() => b.placement.owner('r3'), { timeout: 8000 }).toBe('sfu-a');
    expect(await b.placement.claim('r3')).toBe('sfu-a');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WsClient } from '../testing/WsClient.js';
import { startTestServer, type TestServer } from '../testServer.js';
import { type RedisTestServer, startRedisTestServer } from '../webhooks/redisTestServer.js';

const SECRET = { ROOMCAST_API_KEY: 'homes-test-key', ROOMCAST_API_SECRET: 'homes-test-secret-0123456789abcdef' };

/** Two ROOMCAST_ROLE=sfu nodes and a real redis-server: each room has one home, any node answers for it. */
describe('rooms across SFU nodes (issue 13, Deliver 4)', () => {
  let redis: RedisTestServer;
  let a: TestServer;
  let b: TestServer;

  const sfuNode = (id: string): Promise<TestServer> => startTestServer({ ...SECRET, ROOMCAST_ROLE: 'sfu', NODE_ID: id, REDIS_URL: redis.url });
  const join = async (node: TestServer, room: string, identity: string): Promise<WsClient> => {
    const { token } = await node.auth.mintParticipant(room, { identity, name: identity, role: 'participant' });
    const client = await WsClient.open(`${node.url.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}`);
    const caps = await client.request('getRouterRtpCapabilities');
    const joined = await client.request('join', { rtpCapabilities: (caps.data as { rtpCapabilities: unknown }).rtpCapabilities });
    expect(joined.ok, JSON.stringify(joined)).toBe(true);
    return client;
  };
  /** Both nodes know each other (their first heartbeats are in). */
  const meet = async (): Promise<void> => {
    const deadline = Date.now() + 5000;
    while (a.cluster!.registry.nodes('sfu').length + b.cluster!.registry.nodes('sfu').length < 4 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    redis = await startRedisTestServer();
    a = await sfuNode('sfu-a');
    b = await sfuNode('sfu-b');
    await meet();
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.close();
  });

  it("answers for a room on another node: REST and a participant's socket go to the room's home", async () => {
    expect((await a.api('/v1/rooms', { method: 'POST', body: { name: 'home-a' } })).status).toBe(201);
    await expect.poll(() => a.cluster!.placement.owner('home-a')).toBe('sfu-a');
    const viaB = await b.api('/v1/rooms/home-a');
    expect(viaB.status).toBe(200);
    expect(((await viaB.json()) as { room: { name: string } }).room.name).toBe('home-a');
    // Creating it again through B is answered by A, as A would answer it.
    const again = await b.api('/v1/rooms', { method: 'POST', body: { name: 'home-a' } });
    const direct = await a.api('/v1/rooms', { method: 'POST', body: { name: 'home-a' } });
    expect(again.status).toBe(direct.status);
    expect(b.sfu.rooms.has('home-a')).toBe(false);

    const client = await join(b, 'home-a', 'alice');
    try {
      // The participant is in A's room; B only passed the socket on.
      await expect.poll(() => [...a.sfu.room('home-a').participants.values()].map((p) => p.identity)).toEqual(['alice']);
      expect(b.sfu.rooms.has('home-a')).toBe(false);
    } finally {
      client.socket.close();
    }
    // A room nobody has yet is made where it is asked for.
    expect((await b.api('/v1/rooms', { method: 'POST', body: { name: 'home-b' } })).status).toBe(201);
    await expect.poll(() => b.cluster!.placement.owner('home-b')).toBe('sfu-b');
  });

  it('a lost node lets go of its rooms: the next node asked hosts them, and participants rejoin there', async () => {
    expect((await a.api('/v1/rooms', { method: 'POST', body: { name: 'orphan' } })).status).toBe(201);
    await expect.poll(() => b.cluster!.placement.owner('orphan')).toBe('sfu-a');
    // A stops heart-beating without saying goodbye (a crash, seen from Redis).
    await a.cluster!.registry.close({ deregister: false });
    await expect.poll(() => b.cluster!.registry.nodes('sfu').map((n) => n.id), { timeout: 8000 }).toEqual(['sfu-b']);
    const client = await join(b, 'orphan', 'bob');
    try {
      expect([...b.sfu.room('orphan').participants.values()].map((p) => p.identity)).toEqual(['bob']);
      await expect.poll(() => b.cluster!.placement.owner('orphan')).toBe('sfu-b');
    } finally {
      client.socket.close();
    }
  });

  it('refuses a new room with a coded 503 while Redis is away, and serves the rooms it has', async () => {
    await redis.stop();
    try {
      const refused = await b.api('/v1/rooms', { method: 'POST', body: { name: 'while-down' } });
      expect(refused.status).toBe(503);
      expect(await refused.json()).toMatchObject({ error: { code: 'cluster_unavailable' } });
      expect(b.sfu.rooms.has('while-down')).toBe(false);
      expect((await b.api('/v1/rooms/home-b')).status).toBe(200);
    } finally {
      await redis.start();
    }
  });
});

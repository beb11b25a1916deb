import { createServer, type Server, type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Auth } from '../apps/server/src/auth.js';
import { type RedisTestServer, startRedisTestServer } from '../apps/server/src/webhooks/redisTestServer.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { SLOW, waitConnected } from './support/demoPage.js';
import { waitFor } from './support/ports.js';
import { descendantsOf } from './support/processes.js';
import { type RtmpServer, startRtmpServer } from './support/rtmpServer.js';
import { killOrphans, type ServerProcess, startServerProcess } from './support/serverProcess.js';

const SECRET = { ROOMCAST_API_KEY: 'failover-key', ROOMCAST_API_SECRET: 'failover-secret-0123456789abcdef' };
const ROOM = 'failover';
const KEY = 'failover-key';
/** A room broadcasting a card with nobody in it: nobody rejoins it after its node dies. */
const EMPTY_ROOM = 'failover-card';
const EMPTY_KEY = 'failover-card-key';

/** What a load balancer does for these nodes: each new connection goes to the node it points at now. */
function balancer(target: () => number): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target(), '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => sockets.delete(socket));
    }
    client.pipe(upstream).pipe(client);
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : 0,
        close: () => {
          for (const socket of sockets) socket.destroy();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

/**
 * Follows nginx's live streams from `since`: for each key, when it was seen publishing again after
 * having been seen down (seconds after `since`).
 */
function watchOutages(rtmp: RtmpServer, keys: string[], since: number): { backAfter(timeoutMs: number): Promise<Array<number | undefined>>; stop(): void } {
  const down = new Set<string>();
  const back = new Map<string, number>();
  let stopped = false;
  const poll = async (): Promise<void> => {
    while (!stopped) {
      const live = await rtmp.liveStreams().catch((): string[] => []);
      for (const key of keys) {
        if (!live.includes(key)) down.add(key);
        else if (down.has(key) && !back.has(key)) back.set(key, (performance.now() - since) / 1000);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const polling = poll();
  return {
    backAfter: async (timeoutMs) => {
      await waitFor(() => keys.every((key) => back.has(key)), timeoutMs);
      return keys.map((key) => back.get(key));
    },
    stop: () => {
      stopped = true;
      void polling;
    },
  };
}

type RoomBody = { room: { participants: Array<{ identity: string; producers: unknown[] }> } };

/**
 * Two ROOMCAST_ROLE=sfu nodes and an egress node (real processes), a balancer in front of the SFU
 * nodes, a real redis-server, a real Chromium running the client SDK, nginx-rtmp (issue 13,
 * Deliver 7): the node hosting the room is SIGKILLed, the participant's SDK reconnects through the
 * balancer to the other node, the room's new home, and the room's RTMP broadcast comes back with it.
 */
describe('an SFU node lost under a participant', () => {
  let redis: RedisTestServer;
  let browser: TestBrowser;
  let lb: { port: number; close(): Promise<void> };
  let rtmp: RtmpServer;
  let egress: ServerProcess;
  const nodes: ServerProcess[] = [];
  let current = 0;

  const sfuNode = (id: string, block: number) =>
    startServerProcess({
      ...SECRET,
      ROOMCAST_ROLE: 'sfu',
      NODE_ID: id,
      REDIS_URL: redis.url,
      MEDIASOUP_WORKERS: '1',
      RTC_MIN_PORT: String(47000 + block * 100),
      RTC_MAX_PORT: String(47000 + block * 100 + 99),
      ...(process.env.MEDIASOUP_WORKER_BIN ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN } : {}),
    });
  const roomOn = async (node: ServerProcess): Promise<RoomBody['room'] | undefined> => {
    const response = await node.api(`/v1/rooms/${ROOM}`).catch(() => undefined);
    return response?.ok ? ((await response.json()) as RoomBody).room : undefined;
  };

  beforeAll(async () => {
    redis = await startRedisTestServer();
    rtmp = await startRtmpServer();
    egress = await startServerProcess({
      ...SECRET,
      ROOMCAST_ROLE: 'egress',
      NODE_ID: 'egress-1',
      REDIS_URL: redis.url,
      EGRESS_ALLOW_PRIVATE_DESTINATIONS: 'true',
      EGRESS_RTP_MIN_PORT: '47400',
      EGRESS_RTP_MAX_PORT: '47599',
    });
    nodes.push(await sfuNode('sfu-a', 0), await sfuNode('sfu-b', 1));
    lb = await balancer(() => Number(new URL(nodes[current]!.url).port));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await lb?.close();
    for (const node of [...nodes, ...(egress ? [egress] : [])]) {
      const orphans = descendantsOf(node.pid);
      node.kill();
      await node.exited;
      killOrphans(orphans);
    }
    await rtmp?.stop();
    await redis?.close();
  });

  it("reconnects the participant's SDK to the room's new home when its node dies; the room's settings and broadcast come back with it, and an empty room's broadcast without anyone rejoining", async () => {
    const [a, b] = nodes as [ServerProcess, ServerProcess];
    // The room has settings of its own (at creation, and patched): its next home must keep them.
    const created = await a.api('/v1/rooms', { method: 'POST', body: { name: ROOM, settings: { limits: { max_participants: 7 } } } });
    expect(created.status, await created.clone().text()).toBe(201);
    const patched = await a.api(`/v1/rooms/${ROOM}`, { method: 'PATCH', body: { settings: { media_streams: { participant_requests: 'deny' } } } });
    expect(patched.status, await patched.clone().text()).toBe(200);
    const { token } = await new Auth(SECRET.ROOMCAST_API_KEY, SECRET.ROOMCAST_API_SECRET).mintParticipant(ROOM, { identity: 'alice', name: 'Alice', role: 'participant' });
    const page: Page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${lb.port}/?room=${ROOM}&token=${encodeURIComponent(token)}&autojoin=1`);
    await waitConnected(page);
    await expect.poll(async () => (await roomOn(a))?.participants.map((p) => [p.identity, p.producers.length]), SLOW).toEqual([['alice', 2]]);
    const isLive = async () => (await rtmp.liveStreams()).includes(KEY);
    const started = await a.api(`/v1/rooms/${ROOM}/rtmp_broadcasts`, {
      method: 'POST',
      body: { quality: '360p', broadcasts: [{ name: 'main', stream_url: rtmp.appUrl(), stream_key: KEY }] },
    });
    expect(started.status, await started.clone().text()).toBe(201);
    expect(await waitFor(isLive, 20_000)).toBe(true);
    expect((await a.api('/v1/rooms', { method: 'POST', body: { name: EMPTY_ROOM } })).status).toBe(201);
    const card = await a.api(`/v1/rooms/${EMPTY_ROOM}/rtmp_broadcasts`, {
      method: 'POST',
      body: { quality: '360p', broadcasts: [{ name: 'card', stream_url: rtmp.appUrl(), stream_key: EMPTY_KEY }] },
    });
    expect(card.status, await card.clone().text()).toBe(201);
    const cardLive = async () => (await rtmp.liveStreams()).includes(EMPTY_KEY);
    expect(await waitFor(cardLive, 20_000)).toBe(true);

    const orphans = descendantsOf(a.pid);
    const killedAt = performance.now();
    process.kill(a.pid, 'SIGKILL');
    const outage = watchOutages(rtmp, [KEY, EMPTY_KEY], killedAt);
    current = 1;
    await a.exited;
    killOrphans(orphans);

    // The same page, never reloaded: its SDK reconnects through the balancer, and B hosts the room now.
    await expect.poll(async () => (await roomOn(b))?.participants.map((p) => [p.identity, p.producers.length]), { timeout: 45_000, interval: 250 }).toEqual([['alice', 2]]);
    console.log(`SFU node killed; the participant was back, publishing, on the other node ${((performance.now() - killedAt) / 1000).toFixed(1)} s later`);
    // The same room, not a default one: its own settings came back with it.
    const settings = ((await (await b.api(`/v1/rooms/${ROOM}`)).json()) as { room: { settings: { limits?: { max_participants?: number }; media_streams?: { participant_requests?: string } } } }).room.settings;
    expect([settings.limits?.max_participants, settings.media_streams?.participant_requests]).toEqual([7, 'deny']);
    // Both broadcasts went down with their rooms (the egress node stopped them), and B resumed them
    // from Redis: the participant's room as it came back, the empty one as B took it over.
    const backAfter = await outage.backAfter(20_000);
    outage.stop();
    console.log(`SFU node killed; its rooms' broadcasts were publishing again ${backAfter.map((s) => (s === undefined ? 'never' : `${s.toFixed(1)} s`)).join(' and ')} later, from their new home`);
    expect(backAfter.every((s) => s !== undefined)).toBe(true);
    const rtmps = async () => ((await (await b.api(`/v1/rooms/${ROOM}`)).json()) as { room: { egress: { rtmps: Array<{ name: string; status: string }> } } }).room.egress.rtmps;
    await expect.poll(async () => (await rtmps()).map((r) => [r.name, r.status]), { timeout: 10_000 }).toEqual([['main', 'live']]);
    expect((await b.api(`/v1/rooms/${ROOM}/rtmp_broadcasts/stop`, { method: 'POST' })).status).toBe(200);
    // Nobody rejoined the empty room: B made it to carry its broadcast.
    expect(((await (await b.api(`/v1/rooms/${EMPTY_ROOM}`)).json()) as RoomBody).room.participants).toEqual([]);
    expect((await b.api(`/v1/rooms/${EMPTY_ROOM}/rtmp_broadcasts/stop`, { method: 'POST' })).status).toBe(200);
    await waitConnected(page);
    await page.close();
  });
});

import { createServer, type Server, type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { Auth } from '../apps/server/src/auth.js';
import { type RedisTestServer, startRedisTestServer } from '../apps/server/src/webhooks/redisTestServer.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { SLOW, waitConnected } from './support/demoPage.js';
import { descendantsOf } from './support/processes.js';
import { killOrphans, type ServerProcess, startServerProcess } from './support/serverProcess.js';

const SECRET = { ROOMCAST_API_KEY: 'failover-key', ROOMCAST_API_SECRET: 'failover-secret-0123456789abcdef' };
const ROOM = 'failover';

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

type RoomBody = { room: { participants: Array<{ identity: string; producers: unknown[] }> } };

/**
 * Two ROOMCAST_ROLE=sfu nodes (real processes) behind a balancer, a real redis-server, a real
 * Chromium running the client SDK (issue 13, Deliver 7): the node hosting the room is SIGKILLed,
 * and the participant's SDK reconnects through the balancer to the other node, the room's new home.
 */
describe('an SFU node lost under a participant', () => {
  let redis: RedisTestServer;
  let browser: TestBrowser;
  let lb: { port: number; close(): Promise<void> };
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
    nodes.push(await sfuNode('sfu-a', 0), await sfuNode('sfu-b', 1));
    lb = await balancer(() => Number(new URL(nodes[current]!.url).port));
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await lb?.close();
    for (const node of nodes) {
      const orphans = descendantsOf(node.pid);
      node.kill();
      await node.exited;
      killOrphans(orphans);
    }
    await redis?.close();
  });

  it("reconnects the participant's SDK to the room's new home when its node dies", async () => {
    const { token } = await new Auth(SECRET.ROOMCAST_API_KEY, SECRET.ROOMCAST_API_SECRET).mintParticipant(ROOM, { identity: 'alice', name: 'Alice', role: 'participant' });
    const page: Page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${lb.port}/?room=${ROOM}&token=${encodeURIComponent(token)}&autojoin=1`);
    await waitConnected(page);
    const [a, b] = nodes as [ServerProcess, ServerProcess];
    await expect.poll(async () => (await roomOn(a))?.participants.map((p) => [p.identity, p.producers.length]), SLOW).toEqual([['alice', 2]]);

    const orphans = descendantsOf(a.pid);
    const killedAt = performance.now();
    process.kill(a.pid, 'SIGKILL');
    current = 1;
    await a.exited;
    killOrphans(orphans);

    // The same page, never reloaded: its SDK reconnects through the balancer, and B hosts the room now.
    await expect.poll(async () => (await roomOn(b))?.participants.map((p) => [p.identity, p.producers.length]), { timeout: 45_000, interval: 250 }).toEqual([['alice', 2]]);
    console.log(`SFU node killed; the participant was back, publishing, on the other node ${((performance.now() - killedAt) / 1000).toFixed(1)} s later`);
    await waitConnected(page);
    await page.close();
  });
});

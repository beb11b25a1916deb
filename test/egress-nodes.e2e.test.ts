import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticPublisher } from '@roomcast/egress';
import type { EgressState, LiveStreamInfo } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { type RedisTestServer, startRedisTestServer } from '../apps/server/src/webhooks/redisTestServer.js';
import { probeStream } from './support/ffprobe.js';
import { grabFrame, lumaSpread } from './support/frameGrab.js';
import { sleep, waitFor } from './support/ports.js';
import { descendantsOf } from './support/processes.js';
import { type RtmpServer, startRtmpServer } from './support/rtmpServer.js';
import { killOrphans, type ServerProcess, startServerProcess } from './support/serverProcess.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhookReceiver.js';

const KEY = 'noded-key';
const WEB_KEY = 'noded-web-key';
const WEBHOOK_SECRET = 'whsec_egress_nodes_0123456789abcdef';
const SECRET = { ROOMCAST_API_KEY: 'cluster-test-key', ROOMCAST_API_SECRET: 'cluster-test-secret-0123456789abcdef' };

/**
 * ROOMCAST_ROLE=sfu + two ROOMCAST_ROLE=egress nodes (issue 13, Deliver 1, 4 and 7): real processes
 * for the egress nodes, a real redis-server for the registry, nginx-rtmp as the destination.
 */
describe('egress on its own nodes, found through Redis', () => {
  let redis: RedisTestServer;
  let rtmp: RtmpServer;
  let dir: string;
  let sfu: TestServer;
  /** A second SFU node: the room lives on `sfu`, requests for it may come here. */
  let other: TestServer;
  let hooks: WebhookReceiver;
  const nodes = new Map<string, ServerProcess>();
  const isLive = async () => (await rtmp.liveStreams()).includes(KEY);
  const nodeInUse = (): string | undefined => sfu.egressLink?.endpoint?.nodeId;
  const stateOf = async (): Promise<EgressState> => ((await (await sfu.api('/v1/rooms/show')).json()) as { room: { egress: EgressState } }).room.egress;

  const startEgressNode = async (id: string, block: number): Promise<void> => {
    nodes.set(id, await startServerProcess({
      ...SECRET,
      ROOMCAST_ROLE: 'egress',
      NODE_ID: id,
      REDIS_URL: redis.url,
      HLS_DIR: join(dir, id),
      EGRESS_ALLOW_PRIVATE_DESTINATIONS: 'true',
      EGRESS_RETRY_BASE_MS: '200',
      EGRESS_RTP_MIN_PORT: String(57000 + block * 200),
      EGRESS_RTP_MAX_PORT: String(57000 + block * 200 + 199),
    }));
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roomcast-egress-nodes-'));
    redis = await startRedisTestServer();
    rtmp = await startRtmpServer();
    hooks = await startWebhookReceiver(WEBHOOK_SECRET);
    await startEgressNode('egress-a', 0);
    await startEgressNode('egress-b', 1);
    sfu = await startTestServer({ ...SECRET, ROOMCAST_ROLE: 'sfu', NODE_ID: 'sfu-1', REDIS_URL: redis.url, WEBHOOK_URLS: hooks.url, WEBHOOK_SECRET });
    other = await startTestServer({ ...SECRET, ROOMCAST_ROLE: 'sfu', NODE_ID: 'sfu-2', REDIS_URL: redis.url });
    await sfu.egressLink!.ready(20_000);
    await sfu.api('/v1/rooms', { method: 'POST', body: { name: 'show' } });
    // The room's home is sfu-1 once its claim is in Redis (what sfu-2 asks before forwarding).
    for (let i = 0; i < 50 && (await sfu.cluster!.placement.owner('show')) !== 'sfu-1'; i++) await sleep(100);
  });

  afterAll(async () => {
    await other?.close();
    await sfu?.close();
    for (const node of nodes.values()) {
      const orphans = descendantsOf(node.pid);
      node.kill();
      await node.exited;
      killOrphans(orphans);
    }
    await rtmp?.stop();
    await hooks?.close();
    await redis?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("a broadcast asked of another SFU node's REST runs for the room's home through an egress node from the registry; losing that egress node moves it to the other", async () => {
    const publisher = await SyntheticPublisher.start(sfu.sfu.room('show'), { identity: 'alice', name: 'Alice' });
    try {
      const first = nodeInUse();
      expect(['egress-a', 'egress-b']).toContain(first);
      // Asked of sfu-2, which passes it to the room's home, sfu-1.
      const response = await other.api('/v1/rooms/show/rtmp_broadcasts', {
        method: 'POST',
        body: { quality: '360p', broadcasts: [{ name: 'main', stream_url: rtmp.appUrl(), stream_key: KEY }] },
      });
      expect(response.status, await response.clone().text()).toBe(201);
      expect(other.sfu.rooms.has('show')).toBe(false);
      expect(await waitFor(isLive, 15_000)).toBe(true);
      expect((await probeStream(rtmp.rtmpUrl(KEY), { analyzeDurationMs: 3000 })).video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
      // The encoder runs on the egress node, not in the SFU's process.
      expect(descendantsOf(nodes.get(first!)!.pid).some((p) => p.name === 'ffmpeg')).toBe(true);
      // Its other routes answer through the SFU node: a live stream of the same composite.
      const started = await sfu.api('/v1/rooms/show/live_streams', { method: 'POST', body: { renditions: ['360p'] } });
      expect(started.status, await started.clone().text()).toBe(201);
      const live = (await started.json()) as LiveStreamInfo;
      expect(await waitFor(async () => (await stateOf()).live_streams.some((l) => l.id === live.id && l.status === 'running'), 15_000)).toBe(true);

      const killed = nodes.get(first!)!;
      const orphans = descendantsOf(killed.pid);
      const killedAt = performance.now();
      process.kill(killed.pid, 'SIGKILL');
      let down = false;
      const back = await waitFor(async () => {
        const live = await isLive();
        if (!live) down = true;
        return down && live;
      }, 20_000);
      const missedS = (performance.now() - killedAt) / 1000;
      killOrphans(orphans);
      console.log(`egress node ${first} SIGKILLed: the destination was publishing again ${missedS.toFixed(1)} s later, from ${nodeInUse()}`);
      expect(back).toBe(true);
      expect(nodeInUse()).not.toBe(first);
      expect((await probeStream(rtmp.rtmpUrl(KEY), { analyzeDurationMs: 3000 })).video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
      await expect.poll(async () => (await stateOf()).rtmps.map((r) => [r.name, r.status]), { timeout: 10_000 }).toEqual([['main', 'live']]);
      // Its live stream's files were on the lost node: it fails, and the SFU says so (webhook, signed).
      const failed = () => hooks.received.find((h) => h.event.type === 'live_stream.failed' && (h.event.data.live_stream as LiveStreamInfo).id === live.id);
      expect(await waitFor(() => failed() !== undefined, 5000)).toBe(true);
      expect(failed()!.signatureValid).toBe(true);
      expect(failed()!.event.data).toMatchObject({ reason: 'the egress node running it was lost', live_stream: { status: 'failed', error: 'the egress node running it was lost' } });
      // The room never noticed: its participant and producers are where they were.
      expect(sfu.sfu.room('show').participants.has(publisher.participant.id)).toBe(true);

      expect((await sfu.api('/v1/rooms/show/rtmp_broadcasts/stop', { method: 'POST' })).status).toBe(200);
      expect(await waitFor(async () => !(await isLive()), 10_000)).toBe(true);
      await sleep(200);
    } finally {
      await publisher.stop();
    }
  });

  it("composites a web layout on an egress node: the built-in page loads from the room's SFU node, its hidden recorder joins there, the picture reaches nginx", async () => {
    const room = sfu.sfu.room('show');
    const publisher = await SyntheticPublisher.start(room, { identity: 'bob', name: 'Bob' });
    try {
      const response = await sfu.api('/v1/rooms/show/rtmp_broadcasts', {
        method: 'POST',
        body: { quality: '360p', layout: 'web', broadcasts: [{ name: 'page', stream_url: rtmp.appUrl(), stream_key: WEB_KEY }] },
      });
      expect(response.status, await response.clone().text()).toBe(201);
      // Chromium runs on the egress node; the page's recorder joined the room on its SFU node, hidden.
      expect(await waitFor(() => descendantsOf(nodes.get(nodeInUse()!)!.pid).some((p) => p.name.startsWith('chromium')), 15_000)).toBe(true);
      await expect.poll(() => [...room.participants.values()].filter((p) => p.joined && p.hidden).length, { timeout: 20_000 }).toBe(1);
      // The publisher's test pattern (many colours), as the page draws it, at the destination.
      await expect.poll(async () => lumaSpread(await grabFrame(rtmp.rtmpUrl(WEB_KEY), 640, 360)), { timeout: 30_000, interval: 1000 }).toBeGreaterThan(30);
      expect((await sfu.api('/v1/rooms/show/rtmp_broadcasts/stop', { method: 'POST' })).status).toBe(200);
      await expect.poll(() => [...room.participants.values()].filter((p) => p.hidden).length, { timeout: 10_000 }).toBe(0);
    } finally {
      await publisher.stop();
    }
  });
});

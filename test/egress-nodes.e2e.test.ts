import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticPublisher } from '@roomcast/egress';
import { type AudioData, MediaStreamClient } from '@roomcast/media-stream-client';
import type { EgressState, LiveStreamInfo, MediaStreamInfo } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { type RedisTestServer, startRedisTestServer } from '../apps/server/src/webhooks/redisTestServer.js';
import { launchBrowser, type TestBrowser } from './support/browser.js';
import { probeStream } from './support/ffprobe.js';
import { type HlsPlayerPage, startHlsPlayerPage } from './support/hlsPlayer.js';
import { grabFrame, lumaSpread } from './support/frameGrab.js';
import { sleep, waitFor } from './support/ports.js';
import { descendantsOf } from './support/processes.js';
import { type RtmpServer, startRtmpServer } from './support/rtmpServer.js';
import { killOrphans, type ServerProcess, startServerProcess } from './support/serverProcess.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhookReceiver.js';

const KEY = 'noded-key';
const SECOND_KEY = 'noded-second-key';
const WEB_KEY = 'noded-web-key';
const WEBHOOK_SECRET = 'whsec_egress_nodes_0123456789abcdef';
const APP = { id: 'notes', client_id: 'notes-client-id', client_secret: 'notes_client_secret_0123456789', webhook_url: 'http://127.0.0.1:9/hooks', allow: ['audio'] };
const SECRET = { ROOMCAST_API_KEY: 'cluster-test-key', ROOMCAST_API_SECRET: 'cluster-test-secret-0123456789abcdef', MEDIA_APPS: JSON.stringify([APP]) };

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
  const isLive = async (key = KEY) => (await rtmp.liveStreams()).includes(key);
  const nodeOf = (room: string): string | undefined => sfu.egressPool?.homeOf(room);
  const stateOf = async (): Promise<EgressState> => ((await (await sfu.api('/v1/rooms/show')).json()) as { room: { egress: EgressState } }).room.egress;
  const broadcast = (server: TestServer, room: string, key: string) => server.api(`/v1/rooms/${room}/rtmp_broadcasts`, {
    method: 'POST',
    body: { quality: '360p', broadcasts: [{ name: 'main', stream_url: rtmp.appUrl(), stream_key: key }] },
  });

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
    // Each SFU node links to every egress node.
    for (const server of [sfu, other]) expect(await waitFor(() => server.egressPool!.everyUpstream().length === 2, 20_000)).toBe(true);
    for (const room of ['show', 'second']) {
      await sfu.api('/v1/rooms', { method: 'POST', body: { name: room } });
      // The room's home is sfu-1 once its claim is in Redis (what sfu-2 asks before forwarding).
      for (let i = 0; i < 50 && (await sfu.cluster!.placement.owner(room)) !== 'sfu-1'; i++) await sleep(100);
    }
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

  it("places each room's egress on the node with the most headroom; a broadcast asked of another SFU node runs there; losing that node moves its room, broadcast and live stream to the other, leaving the other room's broadcast alone", async () => {
    const publisher = await SyntheticPublisher.start(sfu.sfu.room('show'), { identity: 'alice', name: 'Alice' });
    const secondPublisher = await SyntheticPublisher.start(sfu.sfu.room('second'), { identity: 'carol', name: 'Carol' });
    let browser: TestBrowser | undefined;
    let playerPage: HlsPlayerPage | undefined;
    try {
      // Asked of sfu-2, which passes it to the room's home, sfu-1.
      const response = await broadcast(other, 'show', KEY);
      expect(response.status, await response.clone().text()).toBe(201);
      expect(other.sfu.rooms.has('show')).toBe(false);
      expect(await waitFor(isLive, 15_000)).toBe(true);
      const first = nodeOf('show');
      expect(['egress-a', 'egress-b']).toContain(first);
      expect((await probeStream(rtmp.rtmpUrl(KEY), { analyzeDurationMs: 3000 })).video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
      // The encoder runs on the egress node, not in the SFU's process.
      expect(descendantsOf(nodes.get(first!)!.pid).some((p) => p.name === 'ffmpeg')).toBe(true);
      // A second room's first job goes to the node without a composite.
      const secondResponse = await broadcast(sfu, 'second', SECOND_KEY);
      expect(secondResponse.status, await secondResponse.clone().text()).toBe(201);
      const survivor = nodeOf('second');
      expect(survivor).not.toBe(first);
      expect(await waitFor(() => isLive(SECOND_KEY), 15_000)).toBe(true);
      expect(descendantsOf(nodes.get(survivor!)!.pid).some((p) => p.name === 'ffmpeg')).toBe(true);
      // Its other routes answer through the SFU node: a live stream of the same composite, on the same node.
      const started = await sfu.api('/v1/rooms/show/live_streams', { method: 'POST', body: { renditions: ['360p'], recording: { hls_vod: true } } });
      expect(started.status, await started.clone().text()).toBe(201);
      const live = (await started.json()) as LiveStreamInfo;
      expect(await waitFor(async () => (await stateOf()).live_streams.some((l) => l.id === live.id && l.status === 'running'), 15_000)).toBe(true);
      expect(descendantsOf(nodes.get(first!)!.pid).filter((p) => p.name === 'ffmpeg').length).toBeGreaterThan(1);
      // By id, through the other SFU node (which knows nothing of the room): found on the node that holds it.
      const byId = await other.api(`/v1/live_streams/${live.id}`);
      expect(byId.status, await byId.clone().text()).toBe(200);
      expect(((await byId.json()) as LiveStreamInfo).status).toBe('running');
      const playlist = await fetch(`${other.url}/hls/${live.id}/master.m3u8`);
      expect(playlist.status).toBe(200);
      expect(await playlist.text()).toContain('#EXTM3U');
      // A viewer plays it with hls.js through sfu-2, from another origin, across the loss below.
      playerPage = await startHlsPlayerPage();
      browser = await launchBrowser();
      const tab = await browser.newPage();
      await tab.goto(playerPage.url(`${other.url}/hls/${live.id}/master.m3u8`));
      const viewer = () => tab.evaluate(() => {
        const { video, errors } = (window as unknown as { player: { video: HTMLVideoElement; errors: string[] } }).player;
        return { time: video.currentTime, errors };
      });
      expect(await waitFor(async () => (await viewer()).time > 0.5, 15_000)).toBe(true);
      // Every recording, from both egress nodes, in one list (its recording is on one of them).
      const recordings = (await (await other.api('/v1/recordings')).json()) as { recordings: Array<{ live_stream_id: string }> };
      expect(recordings.recordings.map((r) => r.live_stream_id)).toContain(live.id);

      const killed = nodes.get(first!)!;
      const orphans = descendantsOf(killed.pid);
      const killedAt = performance.now();
      process.kill(killed.pid, 'SIGKILL');
      let down = false;
      let secondDropped = false;
      const back = await waitFor(async () => {
        const [live, secondLive] = await Promise.all([isLive(), isLive(SECOND_KEY)]);
        if (!secondLive) secondDropped = true;
        if (!live) down = true;
        return down && live;
      }, 20_000);
      const missedS = (performance.now() - killedAt) / 1000;
      killOrphans(orphans);
      console.log(`egress node ${first} SIGKILLed: the destination was publishing again ${missedS.toFixed(1)} s later, from ${nodeOf('show')}`);
      expect(back).toBe(true);
      expect(nodeOf('show')).toBe(survivor);
      expect(secondDropped).toBe(false);
      expect((await probeStream(rtmp.rtmpUrl(KEY), { analyzeDurationMs: 3000 })).video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
      await expect.poll(async () => (await stateOf()).rtmps.map((r) => [r.name, r.status]), { timeout: 10_000 }).toEqual([['main', 'live']]);
      // Its live stream goes on on the other node: same id and playback URL (asked of sfu-2, which
      // finds the node that holds it now), its playlist past a discontinuity; no failure is reported.
      await expect.poll(async () => (await stateOf()).live_streams.map((l) => [l.id, l.status]), { timeout: 15_000 }).toEqual([[live.id, 'running']]);
      console.log(`its live stream was running again on ${nodeOf('show')} ${((performance.now() - killedAt) / 1000).toFixed(1)} s after the SIGKILL`);
      // The viewer's player goes on past the discontinuity: its clock moves on, nothing fatal.
      const resumedAt = (await viewer()).time;
      expect(await waitFor(async () => (await viewer()).time > resumedAt + 4, 20_000)).toBe(true);
      const watched = await viewer();
      console.log(`hls.js across the egress node's loss: currentTime ${watched.time.toFixed(1)} s, errors ${JSON.stringify(watched.errors)}`);
      expect(watched.errors.filter((e) => e.startsWith('fatal'))).toEqual([]);
      const media = await fetch(`${other.url}/hls/${live.id}/360p/index.m3u8`);
      expect(media.status).toBe(200);
      const continued = await media.text();
      expect(continued).toContain('#EXT-X-DISCONTINUITY');
      expect(Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(continued)![1])).toBeGreaterThan(0);
      expect(hooks.received.some((h) => h.event.type === 'live_stream.failed')).toBe(false);
      expect((await sfu.api(`/v1/live_streams/${live.id}/stop`, { method: 'POST' })).status).toBe(200);
      // The room never noticed: its participant and producers are where they were.
      expect(sfu.sfu.room('show').participants.has(publisher.participant.id)).toBe(true);

      for (const room of ['show', 'second']) expect((await sfu.api(`/v1/rooms/${room}/rtmp_broadcasts/stop`, { method: 'POST' })).status).toBe(200);
      expect(await waitFor(async () => !(await isLive()) && !(await isLive(SECOND_KEY)), 10_000)).toBe(true);
      await sleep(200);
    } finally {
      await browser?.close();
      await playerPage?.close();
      await publisher.stop();
      await secondPublisher.stop();
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
      expect(await waitFor(() => descendantsOf(nodes.get(nodeOf('show')!)!.pid).some((p) => p.name.startsWith('chromium')), 15_000)).toBe(true);
      await expect.poll(() => [...room.participants.values()].filter((p) => p.joined && p.hidden).length, { timeout: 20_000 }).toBe(1);
      // The publisher's test pattern (many colours), as the page draws it, at the destination.
      await expect.poll(async () => lumaSpread(await grabFrame(rtmp.rtmpUrl(WEB_KEY), 640, 360)), { timeout: 30_000, interval: 1000 }).toBeGreaterThan(30);
      expect((await sfu.api('/v1/rooms/show/rtmp_broadcasts/stop', { method: 'POST' })).status).toBe(200);
      await expect.poll(() => [...room.participants.values()].filter((p) => p.hidden).length, { timeout: 10_000 }).toBe(0);
    } finally {
      await publisher.stop();
    }
  });

  it("an app's media stream asked of another SFU node runs on the room's egress node; the app dials that SFU node and gets the audio; the node's loss moves it, paused still, and the app's client reconnects to it", async () => {
    // The node lost in the first test is back (a restart under the same id): two to choose from again.
    for (const [id, block] of [['egress-a', 0], ['egress-b', 1]] as const) {
      const exited = await Promise.race([nodes.get(id)!.exited.then(() => true), sleep(10).then(() => false)]);
      if (exited) await startEgressNode(id, block);
    }
    for (const server of [sfu, other]) expect(await waitFor(() => server.egressPool!.everyUpstream().length === 2, 20_000)).toBe(true);
    const publisher = await SyntheticPublisher.start(sfu.sfu.room('second'), { identity: 'dave', name: 'Dave' });
    const client = new MediaStreamClient();
    try {
      const response = await other.api('/v1/rooms/second/media_streams', { method: 'POST', body: { app: APP.id, audio: { sample_rate: 16000 } } });
      expect(response.status, await response.clone().text()).toBe(201);
      const stream = (await response.json()) as MediaStreamInfo;
      const home = nodeOf('second');
      expect(['egress-a', 'egress-b']).toContain(home);
      // sfu-2 knows nothing of the room: the handshake's stream id finds the node that runs it.
      const frames: AudioData[] = [];
      let reconnectedAt: number | undefined;
      client.on('audio', (frame) => frames.push(frame));
      client.on('reconnected', () => (reconnectedAt = performance.now()));
      await client.connect({
        serverUrl: `${other.url.replace('http', 'ws')}/rtms/signaling`, roomId: 'second', streamId: stream.id, clientId: APP.client_id, clientSecret: APP.client_secret,
        mediaTypes: ['audio'], reconnect: { windowMs: 30_000, initialDelayMs: 200, maxDelayMs: 1000 },
      });
      expect(await waitFor(() => frames.length > 20, 15_000)).toBe(true);
      expect(frames[0]!.userName).toBe('Dave');
      const streamState = async () => ((await (await other.api(`/v1/media_streams/${stream.id}`)).json()) as MediaStreamInfo).state;
      expect((await other.api(`/v1/media_streams/${stream.id}/pause`, { method: 'POST' })).status).toBe(200);

      const killed = nodes.get(home!)!;
      const orphans = descendantsOf(killed.pid);
      const killedAt = performance.now();
      process.kill(killed.pid, 'SIGKILL');
      expect(await waitFor(() => reconnectedAt !== undefined, 20_000)).toBe(true);
      killOrphans(orphans);
      console.log(`egress node ${home} SIGKILLed: the app's client was back on its media stream, on ${nodeOf('second')}, ${((reconnectedAt! - killedAt) / 1000).toFixed(1)} s later`);
      expect(nodeOf('second')).not.toBe(home);
      // The same stream, paused as it was: no audio until the API resumes it.
      expect(await streamState()).toBe('PAUSED');
      const heard = frames.length;
      await sleep(1500);
      expect(frames.length).toBe(heard);
      expect((await other.api(`/v1/media_streams/${stream.id}/resume`, { method: 'POST' })).status).toBe(200);
      expect(await waitFor(() => frames.length > heard + 20, 15_000)).toBe(true);
      expect((await other.api(`/v1/media_streams/${stream.id}/stop`, { method: 'POST' })).status).toBe(200);
    } finally {
      await client.close();
      await publisher.stop();
    }
  });
});

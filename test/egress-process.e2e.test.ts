import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticPublisher } from '@roomcast/egress';
import { type AudioData, MediaStreamClient } from '@roomcast/media-stream-client';
import type { EgressState, LiveStreamInfo, MediaStreamInfo } from '@roomcast/protocol';
import type { Room } from '@roomcast/sfu';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { probeStream } from './support/ffprobe.js';
import { waitFor } from './support/ports.js';
import { descendantsOf } from './support/processes.js';
import { type RtmpServer, startRtmpServer } from './support/rtmpServer.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhookReceiver.js';

const KEY = 'isolated-key';
const SERVER_WEBHOOK_SECRET = 'whsec_egress_process_0123456789abcdef';
const APP = { id: 'notes', client_id: 'notes-client-id', client_secret: 'notes_client_secret_0123456789' };

/** PlainTransports on the room's main router: the publisher's two, plus one per egress tap. */
async function plainTransports(room: Room): Promise<number> {
  return (await room.router.dump()).transportIds.length;
}

/**
 * EGRESS_PROCESS=child (issue 13, Deliver 3): the egress runs in its own process, fed the rooms over
 * IPC; the SFU forwards its routes and answers RTMP requests itself. Real worker, FFmpeg, nginx-rtmp.
 */
describe('the egress in its own process', () => {
  let rtmp: RtmpServer;
  let hooks: WebhookReceiver;
  /** The server's own webhooks (WEBHOOK_URLS), apart from the app's. */
  let serverHooks: WebhookReceiver;
  let server: TestServer;
  let room: Room;
  let publisher: SyntheticPublisher;
  const childPid = (): number | undefined => server.egressLink?.endpoint?.pid;
  const stateOf = async (): Promise<EgressState> => ((await (await server.api('/v1/rooms/iso')).json()) as { room: { egress: EgressState } }).room.egress;
  const ffmpegUnder = (pid: number | undefined) => (pid === undefined ? [] : descendantsOf(pid).filter((p) => p.name === 'ffmpeg'));
  const isLive = async () => (await rtmp.liveStreams()).includes(KEY);
  let live: LiveStreamInfo;
  const mediaPlaylist = async (): Promise<string> => {
    const response = await fetch(`${server.url}/hls/${live.id}/360p/index.m3u8`);
    return response.ok ? response.text() : '';
  };
  const segmentsIn = (playlist: string): string[] => playlist.match(/^seg\d+\.m4s$/gm) ?? [];
  const listedS = (playlist: string): number => [...playlist.matchAll(/^#EXTINF:([\d.]+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  let beforeKill = '';
  /** An app's client that stays connected across the kill. */
  let app: MediaStreamClient | undefined;
  let appStreamId = '';
  const appFrames: AudioData[] = [];
  let appReconnectedAt: number | undefined;
  let killedAt = 0;
  /** When the live stream's playlist first listed a part of the new process (watched from the kill on). */
  let liveBack: Promise<number | undefined> = Promise.resolve(undefined);
  const hasNewPart = async () => /#EXT-X-DISCONTINUITY\n[\s\S]*#EXT-X-PART:/.test(await mediaPlaylist().catch(() => ''));

  beforeAll(async () => {
    rtmp = await startRtmpServer();
    hooks = await startWebhookReceiver(APP.client_secret);
    serverHooks = await startWebhookReceiver(SERVER_WEBHOOK_SECRET);
    server = await startTestServer({
      EGRESS_PROCESS: 'child',
      EGRESS_RETRY_BASE_MS: '200',
      WEBHOOK_URLS: serverHooks.url,
      WEBHOOK_SECRET: SERVER_WEBHOOK_SECRET,
      MEDIA_APPS: JSON.stringify([{ ...APP, webhook_url: hooks.url, allow: ['audio'] }]),
    });
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'iso' } });
    room = server.sfu.room('iso');
    publisher = await SyntheticPublisher.start(room, { identity: 'alice', name: 'Alice', audio: { frequency: 440 } });
  });

  afterAll(async () => {
    await app?.close();
    await publisher?.stop();
    await server?.close();
    await hooks?.close();
    await serverHooks?.close();
    await rtmp?.stop();
  });

  it('broadcasts from its own process: a REST start reaches nginx-rtmp as H.264 + AAC, the room shows it live', async () => {
    const pid = childPid();
    expect(pid).toBeDefined();
    expect(pid).not.toBe(process.pid);
    const before = await plainTransports(room);
    const response = await server.api('/v1/rooms/iso/rtmp_broadcasts', {
      method: 'POST',
      body: { quality: '360p', broadcasts: [{ name: 'main', stream_url: rtmp.appUrl(), stream_key: KEY }] },
    });
    expect(response.status).toBe(201);
    expect(await waitFor(isLive, 15_000)).toBe(true);
    const probe = await probeStream(rtmp.rtmpUrl(KEY), { analyzeDurationMs: 3000 });
    expect(probe.video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    expect(probe.audio?.codec).toBe('aac');
    await expect.poll(async () => (await stateOf()).rtmps.map((r) => r.status), { timeout: 10_000 }).toEqual(['live']);
    // The publisher's video and audio reach the egress process through taps on the SFU's router.
    await expect.poll(() => plainTransports(room), { timeout: 10_000 }).toBe(before + 2);
    // The encoder, the relay and the decoders are the egress process's children, not the SFU's.
    expect(ffmpegUnder(pid).length).toBeGreaterThanOrEqual(3);
    expect(ffmpegUnder(process.pid).filter((p) => p.pid !== publisher.pid && !descendantsOf(pid!).some((d) => d.pid === p.pid))).toEqual([]);
    // Its other routes are forwarded: the answer (and its error shape) is the egress process's.
    expect((await server.api('/v1/rooms/iso/live_streams')).status).toBe(200);
    const missing = await server.api('/v1/live_streams/nope');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'egress_not_found' } });
  });

  it("streams a participant's audio to an app through the SFU's port: webhook from the egress process, sockets passed through", async () => {
    const response = await server.api('/v1/rooms/iso/media_streams', { method: 'POST', body: { app: APP.id, audio: { sample_rate: 16000 } } });
    expect(response.status, await response.clone().text()).toBe(201);
    const stream = (await response.json()) as MediaStreamInfo;
    const started = () => hooks.received.find((h) => h.event.type === 'media_stream.started' && h.event.data.stream_id === stream.id);
    expect(await waitFor(() => started() !== undefined, 5000)).toBe(true);
    expect(started()!.signatureValid).toBe(true);
    // Apps dial the SFU's own port (the one they know), which passes the socket to the egress process.
    const serverUrl = started()!.event.data.server_urls as string;
    expect(serverUrl).toBe(`${server.url.replace('http', 'ws')}/rtms/signaling`);
    const client = new MediaStreamClient();
    try {
      await client.connect({ serverUrl, roomId: 'iso', streamId: stream.id, clientId: APP.client_id, clientSecret: APP.client_secret, reconnect: false, mediaTypes: ['audio'] });
      const frames: AudioData[] = [];
      client.on('audio', (frame) => frames.push(frame));
      expect(await waitFor(() => frames.length > 50, 15_000)).toBe(true);
      expect(frames[0]!.userName).toBe('Alice');
      expect(new Set(frames.map((f) => f.data.length))).toEqual(new Set([640]));
    } finally {
      await client.close();
    }
    expect((await server.api(`/v1/media_streams/${stream.id}/stop`, { method: 'POST' })).status).toBe(200);
  });

  it("an app's media stream keeps its client connected until the kill, paused through the API", async () => {
    const response = await server.api('/v1/rooms/iso/media_streams', { method: 'POST', body: { app: APP.id, audio: { sample_rate: 16000 } } });
    expect(response.status, await response.clone().text()).toBe(201);
    appStreamId = ((await response.json()) as MediaStreamInfo).id;
    app = new MediaStreamClient();
    app.on('audio', (frame) => appFrames.push(frame));
    app.on('reconnected', () => (appReconnectedAt = performance.now()));
    await app.connect({ serverUrl: `${server.url.replace('http', 'ws')}/rtms/signaling`, roomId: 'iso', streamId: appStreamId, clientId: APP.client_id, clientSecret: APP.client_secret, mediaTypes: ['audio'], reconnect: { windowMs: 30_000, initialDelayMs: 200, maxDelayMs: 1000 } });
    expect(await waitFor(() => appFrames.length > 20, 15_000)).toBe(true);
    const paused = await server.api(`/v1/media_streams/${appStreamId}/pause`, { method: 'POST' });
    expect(paused.status).toBe(200);
    expect(((await paused.json()) as MediaStreamInfo).state).toBe('PAUSED');
  });

  it('a recorded live stream of the same composite plays through the SFU port', async () => {
    const response = await server.api('/v1/rooms/iso/live_streams', { method: 'POST', body: { renditions: ['360p'], recording: { hls_vod: true, mp4: true } } });
    expect(response.status, await response.clone().text()).toBe(201);
    live = (await response.json()) as LiveStreamInfo;
    expect(await waitFor(async () => segmentsIn(await mediaPlaylist()).length >= 2, 20_000)).toBe(true);
  });

  it('a killed egress process leaves the room alone, comes back, and the broadcast resumes at the destination', async () => {
    const pid = childPid()!;
    beforeKill = await mediaPlaylist();
    const own = new Set([publisher.video!.transport.id, publisher.audio!.transport.id]);
    const taps = (await room.router.dump()).transportIds.filter((id: string) => !own.has(id));
    expect(taps.length).toBeGreaterThanOrEqual(2);
    killedAt = performance.now();
    process.kill(pid, 'SIGKILL');
    liveBack = waitFor(hasNewPart, 30_000).then((back) => (back ? performance.now() : undefined));
    // The SFU closes the dead process's taps (a new process opens its own); the room, its participant and its producers go on.
    await expect.poll(async () => (await room.router.dump()).transportIds.filter((id: string) => taps.includes(id)), { timeout: 5000 }).toEqual([]);
    expect(server.sfu.rooms.get('iso')).toBe(room);
    expect(room.participants.has(publisher.participant.id)).toBe(true);
    expect(publisher.videoProducer?.closed).toBe(false);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

    // A new process, the same broadcast again: nginx sees the stream come back.
    expect(await waitFor(async () => childPid() !== undefined && childPid() !== pid && (await isLive()), 20_000)).toBe(true);
    const backAfterS = (performance.now() - killedAt) / 1000;
    console.log(`egress process killed; the destination was publishing again ${backAfterS.toFixed(1)} s later`);
    const probe = await probeStream(rtmp.rtmpUrl(KEY), { analyzeDurationMs: 3000 });
    expect(probe.video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    await expect.poll(async () => (await stateOf()).rtmps.map((r) => [r.name, r.status, r.started_by]), { timeout: 10_000 }).toEqual([
      ['main', 'live', { type: 'api', identity: null }],
    ]);
    expect(server.egressLink?.losses).toBe(1);
  });

  it('the live stream goes on in the new process: same URL, the earlier segments, a discontinuity, live_stream.resumed', async () => {
    const earlier = segmentsIn(beforeKill);
    // Two segments of the new process's own after the discontinuity.
    const resumed = (playlist: string) => playlist.split('#EXT-X-DISCONTINUITY\n')[1] ?? '';
    const backAt = await liveBack;
    expect(backAt).toBeDefined();
    console.log(`egress process killed; the live stream listed its first new part ${((backAt! - killedAt) / 1000).toFixed(1)} s later`);
    expect(await waitFor(async () => segmentsIn(resumed(await mediaPlaylist())).length >= 2, 20_000)).toBe(true);
    const playlist = await mediaPlaylist();
    expect(segmentsIn(playlist).slice(0, earlier.length)).toEqual(earlier);
    expect(playlist).toContain(`${earlier.at(-1)}\n`);
    expect(playlist).toMatch(/#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init1\.mp4"\n/);
    // What the earlier process wrote is still served, through the SFU's port, by the new one.
    expect((await fetch(`${server.url}/hls/${live.id}/360p/${earlier[0]}`)).status).toBe(200);
    expect((await fetch(`${server.url}/hls/${live.id}/master.m3u8`)).status).toBe(200);
    const info = (await (await server.api(`/v1/live_streams/${live.id}`)).json()) as LiveStreamInfo;
    expect(info).toMatchObject({ status: 'running', started_at: live.started_at ?? info.started_at, created_at: live.created_at });
    const resumedHook = () => serverHooks.received.find((h) => h.event.type === 'live_stream.resumed' && (h.event.data.live_stream as LiveStreamInfo).id === live.id);
    expect(await waitFor(() => resumedHook() !== undefined, 10_000)).toBe(true);
    expect(resumedHook()!.signatureValid).toBe(true);
  });

  it("the app's media stream goes on in the new process under the same id, paused still: its client reconnects, and gets audio again once resumed", async () => {
    const reconnected = await waitFor(() => appReconnectedAt !== undefined && hooks.received.some((h) => h.event.type === 'media_stream.started' && h.event.data.stream_id === appStreamId && h.event.data.resumed === true), 20_000);
    expect(reconnected).toBe(true);
    console.log(`egress process killed; the app's client was reconnected to the same stream ${((appReconnectedAt! - killedAt) / 1000).toFixed(1)} s later`);
    const stateNow = async () => ((await (await server.api(`/v1/media_streams/${appStreamId}`)).json()) as MediaStreamInfo).state;
    await expect.poll(stateNow, { timeout: 10_000 }).toBe('PAUSED');
    // Paused before the kill, paused after: nothing reaches the app.
    const whilePaused = appFrames.length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(appFrames.length).toBe(whilePaused);
    expect((await server.api(`/v1/media_streams/${appStreamId}/resume`, { method: 'POST' })).status).toBe(200);
    expect(await waitFor(() => appFrames.length > whilePaused + 20, 20_000)).toBe(true);
    const info = (await (await server.api(`/v1/media_streams/${appStreamId}`)).json()) as MediaStreamInfo;
    expect(info).toMatchObject({ id: appStreamId, state: 'RESUMED' });
    expect((await server.api(`/v1/media_streams/${appStreamId}/stop`, { method: 'POST' })).status).toBe(200);
  });

  it('its recording keeps both processes\' media: one MP4 as long as every listed segment', async () => {
    const stopped = (await (await server.api(`/v1/live_streams/${live.id}/stop`, { method: 'POST' })).json()) as LiveStreamInfo;
    expect(stopped.status).toBe('stopped');
    expect(stopped.recording.assets.map((a) => a.type).sort()).toEqual(['hls_vod', 'mp4']);
    const vod = await (await fetch(`${server.url}/recordings/${live.id}/360p/index.m3u8`)).text();
    expect(vod).toContain('#EXT-X-DISCONTINUITY\n');
    const listed = listedS(vod);
    expect(listed).toBeGreaterThan(listedS(beforeKill));
    const mp4 = stopped.recording.assets.find((a) => a.type === 'mp4')!;
    const probe = await probeStream(new URL(mp4.url, server.url).toString(), { analyzeDurationMs: 3000 });
    expect(probe.video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    expect(mp4.duration_s).toBeGreaterThanOrEqual(listed * 0.9);
  });

  it('stop-all ends the broadcast; closing the server ends the egress process and everything under it', async () => {
    const stopped = await server.api('/v1/rooms/iso/rtmp_broadcasts/stop', { method: 'POST' });
    expect(stopped.status).toBe(200);
    expect(await waitFor(async () => !(await isLive()), 10_000)).toBe(true);
    const pid = childPid()!;
    await expect.poll(() => ffmpegUnder(pid), { timeout: 5000 }).toEqual([]);
    await server.close();
    await expect.poll(() => descendantsOf(process.pid).some((p) => p.pid === pid), { timeout: 10_000 }).toBe(false);
  });
});

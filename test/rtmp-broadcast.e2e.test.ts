import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticPublisher } from '@roomcast/egress';
import type { EgressState } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { probeStream } from './support/ffprobe.js';
import { freePort, waitFor } from './support/ports.js';
import { waitForNoMediaProcesses } from './support/processes.js';
import { type RtmpServer, startRtmpServer } from './support/rtmpServer.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhookReceiver.js';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { promisify } from 'node:util';

const SECRET_KEY = 'sk_live_do_not_leak_7f3a';
/** Webhooks have their own secret (never the API secret, which signs tokens). */
const WEBHOOK_SECRET = 'whsec_e2e_0123456789abcdef';

describe('composite RTMP broadcasts (real nginx-rtmp, FFmpeg, mediasoup)', () => {
  let rtmp: RtmpServer;
  let server: TestServer;
  let hooks: WebhookReceiver;
  const publishers: SyntheticPublisher[] = [];

  const start = (room: string, body: unknown) => server.api(`/v1/rooms/${room}/rtmp_broadcasts`, { method: 'POST', body });
  const stateOf = async (room: string): Promise<EgressState> =>
    ((await (await server.api(`/v1/rooms/${room}`)).json()) as { room: { egress: EgressState } }).room.egress;
  /** Each destination's relay process: the same pid later means it never reconnected. */
  const relayPids = (room: string) => new Map([...(server.egress.composites.get(room)?.relays ?? [])].map(([name, relay]) => [name, relay.pid]));
  const isLive = async (stream: string) => (await rtmp.liveStreams()).includes(stream);

  beforeAll(async () => {
    rtmp = await startRtmpServer({ tls: true });
    hooks = await startWebhookReceiver(WEBHOOK_SECRET);
    server = await startTestServer(
      { WEBHOOK_URLS: hooks.url, WEBHOOK_SECRET, EGRESS_RETRY_LIMIT: '2', EGRESS_RETRY_BASE_MS: '200', EGRESS_RTMPS_CA_FILE: rtmp.rtmps!.caFile, LOG_LEVEL: 'debug' },
      { captureLogs: true },
    );
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'show' } });
    publishers.push(await SyntheticPublisher.start(server.sfu.room('show'), { identity: 'alice', name: 'Alice' }));
  });

  afterAll(async () => {
    for (const publisher of publishers) await publisher.stop();
    await server?.close();
    await hooks?.close();
    await rtmp?.stop();
  });

  it('rejects stream URLs that are not rtmp:// or rtmps://, changing nothing', async () => {
    for (const stream_url of ['file:///etc/passwd', 'pipe:1', 'concat:a|b', 'http://127.0.0.1/x', 'rtmp://host/app|rm']) {
      const response = await start('show', { broadcasts: [{ name: 'bad', stream_url }] });
      expect(response.status, stream_url).toBe(400);
    }
    expect((await start('nowhere', { broadcasts: [{ name: 'x', stream_url: rtmp.appUrl() }] })).status).toBe(404);
    expect(server.egress.composites.size).toBe(0);
    expect((await stateOf('show')).broadcasting).toBe(false);
  });

  it('sends one composite to three destinations at once, as H.264 + AAC at the preset', async () => {
    const response = await start('show', {
      quality: '360p',
      broadcasts: ['a', 'b', 'c'].map((name) => ({ name, stream_url: rtmp.appUrl(), stream_key: `${name}-${SECRET_KEY}` })),
    });
    expect(response.status).toBe(201);
    const body = await response.text();
    expect(body).not.toContain(SECRET_KEY);
    expect(await waitFor(async () => (await rtmp.liveStreams()).length === 3, 10_000)).toBe(true);
    const probe = await probeStream(rtmp.rtmpUrl(`b-${SECRET_KEY}`), { analyzeDurationMs: 3000 });
    expect(probe.video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    expect(probe.video?.fps).toBeCloseTo(30, 0);
    expect(probe.audio).toMatchObject({ codec: 'aac', sampleRate: 48000, channels: 2 });
    await expect.poll(async () => (await stateOf('show')).rtmps.map((r) => r.status), { timeout: 10_000 }).toEqual(['live', 'live', 'live']);
    const state = await stateOf('show');
    expect(state).toMatchObject({ broadcasting: true, layout: 'grid', quality: '360p' });
    expect(JSON.stringify(state)).not.toContain(SECRET_KEY);
  });

  it('keeps every stream key out of the relays\' command lines, live and while retrying (`ps`, /proc)', async () => {
    // The keys reached nginx (the streams are named after them) through FFmpeg's fd 3, not its argv.
    expect((await rtmp.liveStreams()).sort()).toEqual(['a', 'b', 'c'].map((name) => `${name}-${SECRET_KEY}`));
    const ingest = await startDropFirstThenHold();
    try {
      const hidden = { name: 'hidden', stream_url: `rtmp://127.0.0.1:${ingest.port}/live`, stream_key: `hold-${SECRET_KEY}` };
      expect((await start('show', { broadcasts: [hidden] })).status).toBe(201);
      const relay = () => server.egress.composites.get('show')!.relays.get('hidden')!;
      // The first connection was dropped; the retry's FFmpeg now waits on a held connection.
      await expect.poll(() => relay().status === 'retrying' && ingest.held() === 1, { timeout: 10_000 }).toBe(true);
      const pids = ['a', 'b', 'c', 'hidden'].map((name) => server.egress.composites.get('show')!.relays.get(name)!.pid!);
      for (const pid of pids) {
        const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
        expect(argv.at(-1)).toMatch(/^rtmp:\/\/127\.0\.0\.1:\d+$/);
        expect(argv.join(' ')).not.toContain(SECRET_KEY);
      }
      const ps = (await promisify(execFile)('ps', ['-ww', '-eo', 'args'])).stdout;
      expect(ps).toContain(`rtmp://127.0.0.1:${ingest.port}`);
      expect(ps).not.toContain(SECRET_KEY);
      expect(relay().info().error).toBe('destination closed the connection');
    } finally {
      expect((await server.api('/v1/rooms/show/rtmp_broadcasts/hidden/stop', { method: 'POST' })).status).toBe(200);
      await ingest.close();
    }
  });

  it('takes RTMP:// in capitals (the scheme is normalized before FFmpeg sees it)', async () => {
    const upper = { name: 'upper', stream_url: rtmp.appUrl().replace('rtmp://', 'RTMP://'), stream_key: 'upper-case' };
    expect((await start('show', { broadcasts: [upper] })).status).toBe(201);
    expect(await waitFor(() => isLive('upper-case'), 10_000)).toBe(true);
    expect((await server.api('/v1/rooms/show/rtmp_broadcasts/upper/stop', { method: 'POST' })).status).toBe(200);
    expect(await waitFor(async () => !(await isLive('upper-case')), 5000)).toBe(true);
  });

  it('refuses a duplicate name with 409', async () => {
    const response = await start('show', { broadcasts: [{ name: 'a', stream_url: rtmp.appUrl(), stream_key: 'other' }] });
    expect(response.status).toBe(409);
  });

  it('adds a destination to the live composite without touching the others', async () => {
    const before = relayPids('show');
    const encoderPid = server.egress.composites.get('show')?.encoder.ffmpeg.pid;
    expect((await start('show', { broadcasts: [{ name: 'd', stream_url: rtmp.appUrl(), stream_key: 'late-joiner' }] })).status).toBe(201);
    expect(await waitFor(() => isLive('late-joiner'), 10_000)).toBe(true);
    const probe = await probeStream(rtmp.rtmpUrl('late-joiner'), { analyzeDurationMs: 3000 });
    expect(probe.video?.codec).toBe('h264');
    expect(server.egress.composites.get('show')?.encoder.ffmpeg.pid).toBe(encoderPid);
    for (const [name, retries] of before) expect(relayPids('show').get(name), name).toBe(retries);
  });

  it('shows a participant who joins mid-broadcast, with no destination reconnecting', async () => {
    const composite = server.egress.composites.get('show')!;
    const before = relayPids('show');
    expect(composite.compositor.tiles()).toHaveLength(1);
    publishers.push(await SyntheticPublisher.start(server.sfu.room('show'), { identity: 'bob', name: 'Bob' }));
    await expect.poll(() => composite.compositor.tiles().map((t) => t.subject.name).sort(), { timeout: 2000 }).toEqual(['Alice', 'Bob']);
    await new Promise((r) => setTimeout(r, 1500));
    const state = await stateOf('show');
    expect(state.rtmps.every((r) => r.status === 'live' && r.retries === 0)).toBe(true);
    expect((await rtmp.liveStreams()).length).toBe(4);
    expect(relayPids('show')).toEqual(before);
  });

  it('reports a refused destination and gives up after the retry limit while the others stream on', async () => {
    const closedPort = await freePort();
    expect((await start('show', { broadcasts: [{ name: 'refused', stream_url: `rtmp://127.0.0.1:${closedPort}/live`, stream_key: SECRET_KEY }] })).status).toBe(201);
    await expect.poll(async () => (await stateOf('show')).rtmps.find((r) => r.name === 'refused')?.status, { timeout: 15_000 }).toBe('failed');
    const refused = (await stateOf('show')).rtmps.find((r) => r.name === 'refused')!;
    expect(refused.retries).toBe(2);
    // A fixed phrase for users; FFmpeg's own words go to the operator's log.
    expect(refused.error).toBe('destination refused the connection');
    expect(server.logs.some((line) => line.includes('"broadcast":"refused"') && line.includes('Connection refused'))).toBe(true);
    const others = (await stateOf('show')).rtmps.filter((r) => r.name !== 'refused');
    expect(others.every((r) => r.status === 'live' && r.retries === 0)).toBe(true);
    const types = hooks.received.filter((h) => h.event.data.broadcast && (h.event.data.broadcast as { name: string }).name === 'refused').map((h) => h.event.type);
    expect(types).toEqual(expect.arrayContaining(['rtmp_broadcast.updated', 'rtmp_broadcast.failed']));
  });

  it('streams over rtmps:// to a certificate that checks out, and never sends the key to one naming another host', async () => {
    const broadcasts = [
      { name: 'secure', stream_url: rtmp.rtmps!.appUrl(), stream_key: 'over-tls' },
      { name: 'spoofed', stream_url: rtmp.rtmps!.otherNameAppUrl(), stream_key: `spoofed-${SECRET_KEY}` },
    ];
    expect((await start('show', { broadcasts })).status).toBe(201);
    expect(await waitFor(() => isLive('over-tls'), 10_000)).toBe(true);
    const probe = await probeStream(rtmp.rtmpUrl('over-tls'), { analyzeDurationMs: 3000 });
    expect(probe.video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    await expect.poll(async () => (await stateOf('show')).rtmps.find((r) => r.name === 'spoofed')?.status, { timeout: 15_000 }).toBe('failed');
    const spoofed = (await stateOf('show')).rtmps.find((r) => r.name === 'spoofed')!;
    expect(spoofed.error).toBe('TLS certificate does not match host');
    expect(server.logs.some((line) => line.includes('"broadcast":"spoofed"') && line.includes('does not match hostname 127.0.0.1'))).toBe(true);
    // The handshake failed before RTMP began: the ingest never saw the stream name.
    expect(await rtmp.errorLog()).toContain("name='over-tls'");
    expect(await rtmp.errorLog()).not.toContain('spoofed-');
  });

  it('stops one destination by name; the others go on', async () => {
    const response = await server.api('/v1/rooms/show/rtmp_broadcasts/b/stop', { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await waitFor(async () => !(await isLive(`b-${SECRET_KEY}`)), 5000)).toBe(true);
    expect(await isLive(`a-${SECRET_KEY}`)).toBe(true);
    expect(await isLive('late-joiner')).toBe(true);
    expect((await server.api('/v1/rooms/show/rtmp_broadcasts/b/stop', { method: 'POST' })).status).toBe(404);
  });

  it('stops everything, leaves no FFmpeg behind, and sent signed webhooks without the stream key', async () => {
    expect((await server.api('/v1/rooms/show/rtmp_broadcasts/stop', { method: 'POST' })).status).toBe(200);
    expect(await waitFor(async () => (await rtmp.liveStreams()).length === 0, 5000)).toBe(true);
    expect(await stateOf('show')).toMatchObject({ broadcasting: false, rtmps: [] });
    const leftovers = await waitForNoMediaProcesses({ names: ['ffmpeg'] }, 5000);
    const publisherPids = new Set(publishers.map((p) => p.pid));
    expect(leftovers.filter((p) => !publisherPids.has(p.pid))).toEqual([]);
    await expect.poll(() => hooks.received.some((h) => h.event.type === 'rtmp_broadcast.stopped')).toBe(true);
    expect(hooks.received.every((h) => h.signatureValid)).toBe(true);
    expect(hooks.received.map((h) => h.event.type)).toEqual(expect.arrayContaining(['room.started', 'rtmp_broadcast.started']));
    expect(hooks.received.some((h) => h.raw.includes(SECRET_KEY))).toBe(false);
    expect(server.logs.length).toBeGreaterThan(10);
    expect(server.logs.filter((line) => line.includes(SECRET_KEY))).toEqual([]);
  });
});

describe('the 720p preset, and a graceful shutdown', () => {
  it('broadcasts 1280x720 at 30 fps, and a shutdown ends every broadcast and process cleanly', async () => {
    const rtmp = await startRtmpServer();
    const server = await startTestServer();
    try {
      await server.api('/v1/rooms', { method: 'POST', body: { name: 'hd' } });
      await SyntheticPublisher.start(server.sfu.room('hd'), { identity: 'host', name: 'Host' });
      const body = { quality: '720p', layout: 'single-participant', broadcasts: [{ name: 'main', stream_url: rtmp.appUrl(), stream_key: 'hd' }] };
      expect((await server.api('/v1/rooms/hd/rtmp_broadcasts', { method: 'POST', body })).status).toBe(201);
      expect(await waitFor(async () => (await rtmp.liveStreams()).includes('hd'), 10_000)).toBe(true);
      const probe = await probeStream(rtmp.rtmpUrl('hd'), { analyzeDurationMs: 3000 });
      expect(probe.video).toMatchObject({ codec: 'h264', width: 1280, height: 720, profile: 'High', pixFmt: 'yuv420p' });
      expect(probe.video?.fps).toBeCloseTo(30, 0);
      expect(probe.audio).toMatchObject({ codec: 'aac', sampleRate: 48000 });
    } finally {
      await server.close();
    }
    expect(await waitFor(async () => (await rtmp.liveStreams()).length === 0, 5000)).toBe(true);
    expect(await waitForNoMediaProcesses({ names: ['ffmpeg'] }, 5000)).toEqual([]);
    await rtmp.stop();
  });
});

/** An ingest that drops its first connection and then holds every later one, never answering. */
async function startDropFirstThenHold(): Promise<{ port: number; held(): number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    socket.on('error', () => undefined);
    if (accepted++ === 0) return void socket.destroy();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.pause();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    held: () => sockets.size,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP server that accepts connections and never reads or answers: a stalled ingest. */
async function startBlackHole(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.pause();
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe('destinations that stall or drop', () => {
  it('retries them with backoff while the healthy destination streams on untouched', async () => {
    const good = await startRtmpServer();
    const flaky = await startRtmpServer();
    const hole = await startBlackHole();
    const server = await startTestServer({ EGRESS_IO_TIMEOUT_MS: '1500', EGRESS_RETRY_BASE_MS: '300', EGRESS_RETRY_LIMIT: '10' });
    try {
      await server.api('/v1/rooms', { method: 'POST', body: { name: 'flaky' } });
      await SyntheticPublisher.start(server.sfu.room('flaky'), { identity: 'host', name: 'Host' });
      const broadcasts = [
        { name: 'good', stream_url: good.appUrl(), stream_key: 'good' },
        { name: 'drop', stream_url: flaky.appUrl(), stream_key: 'drop' },
        { name: 'stall', stream_url: `rtmp://127.0.0.1:${hole.port}/live`, stream_key: 'stall' },
      ];
      expect((await server.api('/v1/rooms/flaky/rtmp_broadcasts', { method: 'POST', body: { quality: '360p', broadcasts } })).status).toBe(201);
      const relays = server.egress.composites.get('flaky')!.relays;
      const info = (name: string) => relays.get(name)!.info();
      await expect.poll(() => [info('good').status, info('drop').status], { timeout: 10_000 }).toEqual(['live', 'live']);
      const goodPid = relays.get('good')!.pid;

      await expect.poll(() => info('stall').retries, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      expect(info('stall').status).not.toBe('live');

      await flaky.stop();
      await expect.poll(() => info('drop').retries, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      expect(info('drop').status).toMatch(/retrying|starting/);

      expect(info('good')).toMatchObject({ status: 'live', retries: 0 });
      expect(relays.get('good')!.pid).toBe(goodPid);
      expect(await good.liveStreams()).toEqual(['good']);
    } finally {
      await server.close();
      await hole.close();
      await flaky.stop();
      await good.stop();
    }
    expect(await waitForNoMediaProcesses({ names: ['ffmpeg', 'nginx'] }, 5000)).toEqual([]);
  });
});

import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticPublisher } from '@roomcast/egress';
import type { EgressState, RtmpBroadcastInfo } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { probeStream } from './support/ffprobe.js';
import { egressTempDirs, ffmpegChildren } from './support/mediaProcesses.js';
import { sleep, waitFor } from './support/ports.js';
import { descendantsOf, waitForNoMediaProcesses } from './support/processes.js';
import { type RtmpServer, startRtmpServer } from './support/rtmpServer.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhookReceiver.js';

/**
 * Fault injection during a live broadcast (issue 9): each fault is done to a real process, and each
 * case checks what a user sees — events, `egress.rtmps`, the destinations nothing happened to still
 * readable with no reconnect — and that nothing is left behind.
 */

const WEBHOOK_SECRET = 'faults-webhook-secret-0123456789';
const RTP_PORTS = { min: 47000, max: 47039 };

describe('faults during a live broadcast to three destinations', () => {
  const ingest: Record<string, RtmpServer> = {};
  let server: TestServer;
  let hooks: WebhookReceiver;
  const publishers: SyntheticPublisher[] = [];

  const stateOf = async (room: string): Promise<EgressState> =>
    ((await (await server.api(`/v1/rooms/${room}`)).json()) as { room: { egress: EgressState } }).room.egress;
  const destination = async (name: string): Promise<RtmpBroadcastInfo | undefined> => (await stateOf('faults')).rtmps.find((r) => r.name === name);
  /** Relay pid per destination, told apart by the ingest port in the relay's command line. */
  const relayPids = (): Record<string, number | undefined> => {
    const relays = ffmpegChildren('relay');
    return Object.fromEntries(Object.entries(ingest).map(([name, rtmp]) => [name, relays.find((r) => r.cmdline.includes(`:${rtmp.port}`))?.pid]));
  };
  const signalNginx = (rtmp: RtmpServer, signal: NodeJS.Signals) => {
    for (const pid of [rtmp.pid, ...descendantsOf(rtmp.pid).map((p) => p.pid)]) {
      try {
        process.kill(pid, signal);
      } catch {
        // Already gone (the killed ingest).
      }
    }
  };
  const hooksFor = (name: string, after: number) =>
    hooks.received.filter((h) => (h.event.data.broadcast as { name?: string } | undefined)?.name === name && Date.parse(h.event.created_at) >= after);

  beforeAll(async () => {
    for (const name of ['a', 'b', 'c']) ingest[name] = await startRtmpServer();
    hooks = await startWebhookReceiver(WEBHOOK_SECRET);
    server = await startTestServer({
      WEBHOOK_URLS: hooks.url,
      WEBHOOK_SECRET,
      EGRESS_IO_TIMEOUT_MS: '1500',
      EGRESS_RETRY_BASE_MS: '300',
      EGRESS_RETRY_LIMIT: '3',
      EGRESS_RTP_MIN_PORT: String(RTP_PORTS.min),
      EGRESS_RTP_MAX_PORT: String(RTP_PORTS.max),
    });
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'faults' } });
    publishers.push(await SyntheticPublisher.start(server.sfu.room('faults'), { identity: 'alice', name: 'Alice' }));
    const broadcasts = Object.entries(ingest).map(([name, rtmp]) => ({ name, stream_url: rtmp.appUrl(), stream_key: `key-${name}` }));
    expect((await server.api('/v1/rooms/faults/rtmp_broadcasts', { method: 'POST', body: { quality: '360p', broadcasts } })).status).toBe(201);
    const allLive = async () => (await stateOf('faults')).rtmps.every((r) => r.status === 'live');
    if (!(await waitFor(allLive, 15_000))) throw new Error(`destinations not live: ${JSON.stringify((await stateOf('faults')).rtmps)}`);
  });

  afterAll(async () => {
    for (const publisher of publishers) await publisher.stop();
    await server?.close();
    await hooks?.close();
    for (const rtmp of Object.values(ingest)) {
      signalNginx(rtmp, 'SIGCONT');
      await rtmp.stop();
    }
    expect(await waitForNoMediaProcesses({ names: ['ffmpeg', 'nginx'] }, 5000)).toEqual([]);
    expect(egressTempDirs()).toEqual([]);
  });

  it('a destination whose ingest dies is retried and reported; the others never notice', async () => {
    const before = relayPids();
    const killedAt = Date.now();
    signalNginx(ingest.c!, 'SIGKILL');
    await expect.poll(async () => (await destination('c'))?.retries ?? 0, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
    await expect.poll(() => hooksFor('c', killedAt).map((h) => h.event.type), { timeout: 5000 }).toContain('rtmp_broadcast.updated');
    await expect.poll(async () => (await destination('c'))?.status, { timeout: 20_000 }).toBe('failed');
    const failed = (await destination('c'))!;
    expect(failed.error).toBeTruthy();
    for (const name of ['a', 'b']) expect(await destination(name), name).toMatchObject({ status: 'live', retries: 0 });
    expect(relayPids().a).toBe(before.a);
    expect(relayPids().b).toBe(before.b);
    expect((await probeStream(ingest.a!.rtmpUrl('key-a'), { analyzeDurationMs: 2000 })).video?.codec).toBe('h264');
  });

  it('a stalled ingest (SIGSTOP) is dropped and retried, and comes back when it wakes; the others never notice', async () => {
    const before = relayPids();
    signalNginx(ingest.b!, 'SIGSTOP');
    // Noticed once the relay's bounded send buffer and the ingest's receive buffer are full and a
    // write blocks for EGRESS_IO_TIMEOUT_MS: about 9 s at this bitrate (25 s with Linux's autotuning).
    await expect.poll(async () => (await destination('b'))?.retries ?? 0, { timeout: 30_000, interval: 500 }).toBeGreaterThanOrEqual(1);
    expect(relayPids().a).toBe(before.a);
    signalNginx(ingest.b!, 'SIGCONT');
    await expect.poll(async () => (await destination('b'))?.status, { timeout: 20_000 }).toBe('live');
    expect(await destination('a')).toMatchObject({ status: 'live', retries: 0 });
    expect(relayPids().a).toBe(before.a);
  });

  it.each(['video', 'audio'])('a %s decoder killed with SIGKILL is started again; no destination reconnects', async (kind) => {
    const before = relayPids();
    await expect.poll(() => ffmpegChildren('decoder').length, { timeout: 10_000 }).toBe(2);
    const decoders = ffmpegChildren('decoder');
    // The video decoder writes raw pictures, the audio one PCM.
    const decoder = decoders.find((p) => p.cmdline.includes(kind === 'video' ? 'rawvideo' : 's16le'))!;
    expect(decoder).toBeDefined();
    process.kill(decoder.pid, 'SIGKILL');
    await expect.poll(() => ffmpegChildren('decoder').filter((p) => p.pid !== decoder.pid).length, { timeout: 15_000 }).toBe(2);
    expect(relayPids()).toEqual(before);
    expect(await destination('a')).toMatchObject({ status: 'live', retries: 0 });
  });

  it('an encoder killed with SIGKILL is restarted: the destinations are back within seconds, told why', async () => {
    const [encoder] = ffmpegChildren('encoder');
    expect(encoder).toBeDefined();
    const killedAt = Date.now();
    process.kill(encoder!.pid, 'SIGKILL');
    await expect.poll(() => ffmpegChildren('encoder').filter((p) => p.pid !== encoder!.pid).length, { timeout: 5000 }).toBe(1);
    await expect.poll(async () => [(await destination('a'))?.status, (await destination('b'))?.status], { timeout: 8000 }).toEqual(['live', 'live']);
    await expect.poll(() => hooksFor('a', killedAt).map((h) => h.event.type), { timeout: 5000 }).toContain('rtmp_broadcast.updated');
    expect(Date.now() - killedAt).toBeLessThan(8000);
    // A live destination that broke comes back with the stream (the failed one stays listed as failed).
    expect((await stateOf('faults')).rtmps.map((r) => r.name).sort()).toEqual(['a', 'b', 'c']);
    const probe = await probeStream(ingest.a!.rtmpUrl('key-a'), { analyzeDurationMs: 2000 });
    expect(probe.video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
  });

  it('a full egress port range: a new participant gets a placeholder, the show goes on, and decoding starts when ports free up', async () => {
    const before = relayPids();
    const held = await holdFreeUdpPorts(RTP_PORTS.min, RTP_PORTS.max);
    try {
      publishers.push(await SyntheticPublisher.start(server.sfu.room('faults'), { identity: 'bob', name: 'Bob' }));
      await sleep(2500);
      expect(ffmpegChildren('decoder')).toHaveLength(2);
      expect(await destination('a')).toMatchObject({ status: 'live', retries: 0 });
      expect(relayPids().a).toBe(before.a);
      expect((await server.api('/healthz', { auth: false })).status).toBe(200);
    } finally {
      for (const socket of held) socket.close();
    }
    await expect.poll(() => ffmpegChildren('decoder').length, { timeout: 40_000 }).toBe(4);
  });

  it('a mediasoup worker killed with SIGKILL ends its rooms and their broadcasts cleanly; the server carries on', async () => {
    const killedAt = Date.now();
    const workerPid = server.sfu.pool.workers[0]!.pid;
    process.kill(workerPid, 'SIGKILL');
    await expect.poll(async () => (await server.api('/v1/rooms/faults')).status, { timeout: 10_000 }).toBe(404);
    await expect.poll(() => hooks.received.find((h) => h.event.type === 'room.ended' && Date.parse(h.event.created_at) >= killedAt)?.event.data).toMatchObject({
      reason: 'worker_died',
    });
    const publisherPids = new Set(publishers.map((p) => p.pid));
    expect(await waitFor(() => ffmpegChildren().every((p) => publisherPids.has(p.pid)), 8000)).toBe(true);
    expect(await waitFor(() => egressTempDirs().length === 0, 5000)).toBe(true);
    await expect.poll(async () => (await server.api('/healthz', { auth: false })).status, { timeout: 10_000 }).toBe(200);
    // A new room on the replacement worker broadcasts again.
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'after' } });
    const carol = await SyntheticPublisher.start(server.sfu.room('after'), { identity: 'carol', name: 'Carol' });
    publishers.push(carol);
    const body = { quality: '360p', broadcasts: [{ name: 'a2', stream_url: ingest.a!.appUrl(), stream_key: 'after' }] };
    expect((await server.api('/v1/rooms/after/rtmp_broadcasts', { method: 'POST', body })).status).toBe(201);
    expect(await waitFor(async () => (await ingest.a!.liveStreams()).includes('after'), 15_000)).toBe(true);
  });
});

describe('temp directories left by a crashed server', () => {
  it('are removed at the next start; those of a live process stay', async () => {
    const stale = join(tmpdir(), 'roomcast-egress-999999999'); // no such process
    const alive = join(tmpdir(), 'roomcast-egress-1'); // init: always running
    mkdirSync(join(stale, 'tap-x'), { recursive: true });
    mkdirSync(alive, { recursive: true });
    const server = await startTestServer();
    try {
      await expect.poll(() => existsSync(stale), { timeout: 5000 }).toBe(false);
      expect(existsSync(alive)).toBe(true);
    } finally {
      await server.close();
      rmSync(alive, { recursive: true, force: true });
    }
  });
});

/** Binds every UDP port of the range that is free now (the egress holds the others). */
async function holdFreeUdpPorts(min: number, max: number): Promise<UdpSocket[]> {
  const held: UdpSocket[] = [];
  for (let port = min; port <= max; port++) {
    const socket = createSocket('udp4');
    const bound = await new Promise<boolean>((resolve) => {
      socket.once('error', () => resolve(false));
      socket.bind(port, '127.0.0.1', () => resolve(true));
    });
    if (bound) held.push(socket);
    else socket.close();
  }
  return held;
}

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffprobePath } from '@roomcast/egress';
import type { LiveStreamInfo, RecordingInfo } from '@roomcast/protocol';
import { probeStream } from './support/ffprobe.js';
import { sleep, waitFor } from './support/ports.js';
import type { ProcessInfo } from './support/processes.js';
import { killOrphans, type ServerProcess, startServerProcess } from './support/serverProcess.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhookReceiver.js';

const WEBHOOK_SECRET = 'whsec_crash_recovery_0123456789abcdef';
const SERVER_STOPPED = 'the server stopped unexpectedly';
const SEGMENT_S = 2;
const RUN_S = 4;

const json = async <T>(response: Response): Promise<T> => (await response.json()) as T;

function probedDurationS(path: string): number {
  const out = execFileSync(ffprobePath(), ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path], { encoding: 'utf8' });
  return Number(out.trim());
}

/**
 * What a real crash and a real stop of the server process do to a recorded live stream: the built
 * server runs as a child process (a SIGKILL cannot be simulated inside the test's own process),
 * streaming an empty room (the composite's waiting card and silence: real segments all the same).
 */
describe('a recorded live stream across a crash and a shutdown of the server process', () => {
  let dir: string;
  let hooks: WebhookReceiver;
  let env: Record<string, string>;
  const servers: ServerProcess[] = [];
  /** Processes a SIGKILLed server left behind: killed by the test, checked again at the end. */
  const orphans: ProcessInfo[] = [];
  let crashed: LiveStreamInfo;
  let runningS = 0;
  const recordingsDir = () => join(dir, 'recordings');
  const recordFile = (id: string) => join(dir, 'hls', 'live-streams', `${id}.json`);

  const start = async (): Promise<ServerProcess> => {
    const server = await startServerProcess(env);
    servers.push(server);
    return server;
  };
  /** A recorded live stream of room `room`, running: its info and when it was first seen running. */
  const liveStream = async (server: ServerProcess, room: string): Promise<{ info: LiveStreamInfo; runningAt: number }> => {
    expect((await server.api('/v1/rooms', { method: 'POST', body: { name: room } })).status).toBe(201);
    const response = await server.api(`/v1/rooms/${room}/live_streams`, {
      method: 'POST',
      body: { quality: '360p', recording: { hls_vod: true, mp4: true } },
    });
    expect(response.status, server.output().slice(-2000)).toBe(201);
    const info = await json<LiveStreamInfo>(response);
    const running = await waitFor(async () => (await json<LiveStreamInfo>(await server.api(`/v1/live_streams/${info.id}`))).status === 'running', 20_000);
    expect(running, server.output().slice(-2000)).toBe(true);
    return { info, runningAt: performance.now() };
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'crash-recovery-e2e-'));
    hooks = await startWebhookReceiver(WEBHOOK_SECRET);
    const block = Math.floor(Math.random() * 20);
    env = {
      ROOMCAST_API_KEY: 'crash-test-key',
      ROOMCAST_API_SECRET: 'crash-test-secret-0123456789abcdef',
      HLS_DIR: join(dir, 'hls'),
      RECORDINGS_DIR: join(dir, 'recordings'),
      WEBHOOK_URLS: hooks.url,
      WEBHOOK_SECRET,
      EGRESS_ALLOW_PRIVATE_DESTINATIONS: 'true',
      MEDIASOUP_WORKERS: '1',
      // Ranges apart from startTestServer's (42000+, 52000+): other test files' servers may run meanwhile.
      RTC_MIN_PORT: String(46000 + block * 100),
      RTC_MAX_PORT: String(46000 + block * 100 + 99),
      EGRESS_RTP_MIN_PORT: String(56000 + block * 100),
      EGRESS_RTP_MAX_PORT: String(56000 + block * 100 + 99),
      ...(process.env.MEDIASOUP_WORKER_BIN ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN } : {}),
    };
  });

  afterAll(async () => {
    for (const server of servers) server.kill();
    await Promise.all(servers.map((s) => s.exited));
    killOrphans(orphans);
    await hooks?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('SIGKILL mid-stream: the next start stops the live stream with the reason, recovers the recording, sends both webhooks', async () => {
    const first = await start();
    const { info, runningAt } = await liveStream(first, 'crash');
    crashed = info;
    await sleep(RUN_S * 1000);
    // The record on disk says what the server knew: running (nothing else would tell a restarted server).
    const onDisk = JSON.parse(await readFile(recordFile(info.id), 'utf8')) as LiveStreamInfo;
    expect(onDisk).toMatchObject({ id: info.id, status: 'running', room: 'crash' });

    const children = first.children();
    expect(children.map((c) => c.name)).toContain('ffmpeg');
    orphans.push(...children);
    process.kill(first.pid, 'SIGKILL');
    runningS = (performance.now() - runningAt) / 1000;
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    // A real crash leaves its FFmpeg and worker processes behind: ours to end.
    killOrphans(children);

    const webhooksBefore = hooks.received.length;
    const second = await start();
    const stopped = await json<LiveStreamInfo>(await second.api(`/v1/live_streams/${info.id}`));
    expect(stopped).toMatchObject({ status: 'stopped', error: SERVER_STOPPED, stopped_by: { type: 'system', identity: null }, started_by: info.started_by });
    expect(stopped.stopped_at).not.toBeNull();

    let recording: RecordingInfo | undefined;
    const ready = await waitFor(async () => {
      recording = await json<RecordingInfo>(await second.api(`/v1/recordings/${info.id}`));
      return recording.status !== 'recording';
    }, 30_000);
    expect(ready, second.output().slice(-2000)).toBe(true);
    expect(recording).toMatchObject({ status: 'ready', error: SERVER_STOPPED });
    expect(recording!.assets.map((a) => a.type).sort()).toEqual(['hls_vod', 'mp4']);
    // At most the segment being written is lost (media began before `running`, which is in our favour).
    for (const asset of recording!.assets) expect(asset.duration_s, `${asset.type} of ${runningS} s running`).toBeGreaterThanOrEqual(runningS - SEGMENT_S);

    const mp4 = join(recordingsDir(), info.id, 'recording.mp4');
    expect(probedDurationS(mp4)).toBeGreaterThanOrEqual(runningS - SEGMENT_S);
    expect((await probeStream(mp4)).video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    const playlist = await readFile(join(recordingsDir(), info.id, '360p', 'index.m3u8'), 'utf8');
    expect(playlist.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);

    // The live stream lists its recording's assets once the recording has recovered.
    const linked = await waitFor(async () => (await json<LiveStreamInfo>(await second.api(`/v1/live_streams/${info.id}`))).recording.assets.length === 2, 5000);
    expect(linked).toBe(true);

    const delivered = await waitFor(() => {
      const types = hooks.received.slice(webhooksBefore).map((h) => h.event.type);
      return types.includes('recording.ready') && types.includes('live_stream.stopped');
    }, 10_000);
    expect(delivered, JSON.stringify(hooks.received.map((h) => h.event.type))).toBe(true);
    const after = hooks.received.slice(webhooksBefore);
    expect(after.every((h) => h.signatureValid)).toBe(true);
    const stoppedHook = after.find((h) => h.event.type === 'live_stream.stopped')!.event;
    expect(stoppedHook).toMatchObject({ room_id: 'crash', data: { live_stream: { id: info.id, status: 'stopped', error: SERVER_STOPPED } } });
    const readyHook = after.find((h) => h.event.type === 'recording.ready')!.event;
    expect(readyHook).toMatchObject({ room_id: 'crash', data: { recording: { id: info.id, status: 'ready' } } });

    // The room's list answers for it once the room exists again.
    expect((await second.api('/v1/rooms/crash/live_streams')).status).toBe(404);
    await second.api('/v1/rooms', { method: 'POST', body: { name: 'crash' } });
    const listed = await json<{ live_streams: LiveStreamInfo[] }>(await second.api('/v1/rooms/crash/live_streams'));
    expect(listed.live_streams.map((s) => [s.id, s.status])).toEqual([[info.id, 'stopped']]);

    // Deleting the recording deletes the live stream's record with it: they belong together.
    expect((await second.api(`/v1/recordings/${info.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await second.api(`/v1/live_streams/${info.id}`)).status).toBe(404);
    expect(await waitFor(async () => !(await readFile(recordFile(info.id)).then(() => true, () => false)), 5000)).toBe(true);
  });

  it('SIGTERM mid-stream: the server exits 0 with the recording complete, nothing left to recover', async () => {
    expect(crashed, 'the SIGKILL case ran first').toBeDefined();
    const server = servers.at(-1)!;
    const { info } = await liveStream(server, 'term');
    await sleep(RUN_S * 1000);
    const children = server.children();
    process.kill(server.pid, 'SIGTERM');
    const exit = await Promise.race([server.exited, sleep(20_000).then(() => 'still running' as const)]);
    expect(exit, server.output().slice(-2000)).toEqual({ code: 0, signal: null });
    // A clean stop ends what it started.
    const left = await waitFor(() => children.every((c) => !existsOnProc(c.pid)), 5000);
    orphans.push(...children);
    expect(left).toBe(true);

    const recording = JSON.parse(await readFile(join(recordingsDir(), info.id, 'recording.json'), 'utf8')) as RecordingInfo;
    expect(recording).toMatchObject({ status: 'ready', error: null });
    expect(recording.assets.map((a) => a.type).sort()).toEqual(['hls_vod', 'mp4']);
    const playlist = await readFile(join(recordingsDir(), info.id, '360p', 'index.m3u8'), 'utf8');
    expect(playlist.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect((await probeStream(join(recordingsDir(), info.id, 'recording.mp4'))).video?.codec).toBe('h264');
    const record = JSON.parse(await readFile(recordFile(info.id), 'utf8')) as LiveStreamInfo;
    expect(record).toMatchObject({ status: 'stopped', error: null, stopped_by: { type: 'system', identity: null } });
    expect(record.recording.assets).toHaveLength(2);
  });
});

function existsOnProc(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

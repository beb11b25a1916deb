import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffprobePath, SyntheticPublisher } from '@roomcast/egress';
import type { LiveStreamInfo, RecordingInfo } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { childBoxes } from '../packages/egress/src/hls/mp4Boxes.js';
import { probeStream } from './support/ffprobe.js';
import { sleep, waitFor } from './support/ports.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhookReceiver.js';

const WEBHOOK_SECRET = 'whsec_recordings_0123456789abcdef';
const RECORD_S = 4;

/** Duration of a media file as ffprobe reads its container. */
function probedDurationS(path: string): number {
  const out = execFileSync(ffprobePath(), ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path], { encoding: 'utf8' });
  return Number(out.trim());
}

/** Recordings of live streams: assets at stop, files served by capability, list/delete, recovery (real mediasoup, FFmpeg). */
describe('recordings of live streams', () => {
  let server: TestServer;
  let hooks: WebhookReceiver;
  let hlsDir: string;
  let publisher: SyntheticPublisher;
  let recorded: LiveStreamInfo;
  const recordingsDir = () => join(hlsDir, 'recordings');
  const json = async <T>(response: Response): Promise<T> => (await response.json()) as T;
  const start = (body: unknown) => server.api('/v1/rooms/rec/live_streams', { method: 'POST', body });
  const waitRunning = async (id: string) =>
    waitFor(async () => (await json<LiveStreamInfo>(await server.api(`/v1/live_streams/${id}`))).status === 'running', 20_000);
  const file = (url: string, init?: RequestInit) => fetch(`${server.url}${url}`, init);

  beforeAll(async () => {
    hlsDir = await mkdtemp(join(tmpdir(), 'recordings-e2e-'));
    hooks = await startWebhookReceiver(WEBHOOK_SECRET);
    server = await startTestServer({ WEBHOOK_URLS: hooks.url, WEBHOOK_SECRET, HLS_DIR: hlsDir });
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'rec' } });
    publisher = await SyntheticPublisher.start(server.sfu.room('rec'), { identity: 'alice', name: 'Alice' });
  });

  afterAll(async () => {
    await publisher?.stop();
    await server?.close();
    await hooks?.close();
    await rm(hlsDir, { recursive: true, force: true });
  });

  it('makes an HLS VOD and a faststart MP4 at stop, lists them and sends recording.ready', async () => {
    const requestedAt = performance.now();
    const response = await start({ quality: '360p', recording: { hls_vod: true, mp4: true } });
    expect(response.status).toBe(201);
    recorded = await json<LiveStreamInfo>(response);
    expect(recorded.recording).toEqual({ hls_vod: true, mp4: true, assets: [] });
    expect(await waitRunning(recorded.id)).toBe(true);
    const state = JSON.parse(await readFile(join(recordingsDir(), recorded.id, 'recording.json'), 'utf8')) as { status: string; room: string };
    expect(state).toMatchObject({ status: 'recording', room: 'rec' });
    const runningAt = performance.now();
    await sleep(RECORD_S * 1000);
    const stopAt = performance.now();
    const stopped = await json<LiveStreamInfo>(await server.api(`/v1/live_streams/${recorded.id}/stop`, { method: 'POST' }));
    expect(stopped.status).toBe('stopped');
    // The recorded media begins between the start request and `running` (the first part is already
    // media; the encoder's latency puts its start earlier still) and ends at the stop (flushed).
    const span = { min: (stopAt - runningAt) / 1000, max: (stopAt - requestedAt) / 1000 };
    const withinRecordedTime = (durationS: number): boolean => durationS >= span.min * 0.9 && durationS <= span.max * 1.1;
    const assets = stopped.recording.assets;
    expect(assets.map((a) => a.type).sort()).toEqual(['hls_vod', 'mp4']);
    for (const asset of assets) {
      expect(asset.size_bytes).toBeGreaterThan(0);
      expect(withinRecordedTime(asset.duration_s), `${asset.duration_s} s in ${JSON.stringify(span)}`).toBe(true);
    }
    const mp4 = join(recordingsDir(), recorded.id, 'recording.mp4');
    const mp4DurationS = probedDurationS(mp4);
    expect(withinRecordedTime(mp4DurationS), `${mp4DurationS} s in ${JSON.stringify(span)}`).toBe(true);
    expect(Math.abs(mp4DurationS - assets[0]!.duration_s) / mp4DurationS).toBeLessThan(0.1);
    const probed = await probeStream(mp4);
    expect([probed.video?.codec, probed.video?.width, probed.video?.height, probed.audio?.codec]).toEqual(['h264', 640, 360, 'aac']);
    // Faststart: the index (moov) comes before the media (mdat).
    const boxes = [...childBoxes(await readFile(mp4))].map((box) => box.type);
    expect(boxes.indexOf('moov')).toBeGreaterThanOrEqual(0);
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
    // No temporary file is left beside the assets.
    expect((await readdir(join(recordingsDir(), recorded.id))).filter((name) => name.includes('tmp'))).toEqual([]);
    expect(await waitFor(() => hooks.received.some((h) => h.event.type === 'recording.ready'), 5000)).toBe(true);
    const hook = hooks.received.find((h) => h.event.type === 'recording.ready')!;
    expect(hook.signatureValid).toBe(true);
    expect(hook.event).toMatchObject({ room_id: 'rec', data: { recording: { id: recorded.id, status: 'ready', assets } } });
  });

  it('lists recordings for admins and serves their files to anyone with the URL', async () => {
    expect((await server.api('/v1/recordings', { auth: false })).status).toBe(401);
    const { recordings } = await json<{ recordings: RecordingInfo[] }>(await server.api('/v1/recordings'));
    const listed = recordings.find((r) => r.id === recorded.id)!;
    expect(listed).toMatchObject({ room: 'rec', live_stream_id: recorded.id, status: 'ready', error: null, renditions: ['360p'] });
    expect(listed.created_at).toBe(recorded.created_at);
    expect(await json(await server.api(`/v1/recordings/${recorded.id}`))).toEqual(listed);

    const mp4 = listed.assets.find((a) => a.type === 'mp4')!;
    expect(mp4.url).toBe(`/recordings/${recorded.id}/recording.mp4`);
    const video = await file(mp4.url);
    expect([video.status, video.headers.get('content-type'), video.headers.get('access-control-allow-origin')]).toEqual([200, 'video/mp4', '*']);
    expect(video.headers.get('cache-control')).toContain('immutable');
    expect((await video.arrayBuffer()).byteLength).toBe(mp4.size_bytes);
    // A player seeking in the MP4 asks for a range.
    const part = await file(mp4.url, { headers: { range: 'bytes=0-99' } });
    expect([part.status, part.headers.get('content-range')]).toEqual([206, `bytes 0-99/${mp4.size_bytes}`]);
    expect((await part.arrayBuffer()).byteLength).toBe(100);

    const vod = listed.assets.find((a) => a.type === 'hls_vod')!;
    const master = await file(vod.url);
    expect([master.status, master.headers.get('content-type')]).toEqual([200, 'application/vnd.apple.mpegurl']);
    expect(await master.text()).toContain('360p/index.m3u8');
    const media = await (await file(`/recordings/${recorded.id}/360p/index.m3u8`)).text();
    expect(media.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    const segment = await file(`/recordings/${recorded.id}/360p/seg0.m4s`);
    expect([segment.status, segment.headers.get('content-type')]).toEqual([200, 'video/iso.segment']);
    const probed = await probeStream(`${server.url}${vod.url}`);
    expect([probed.video?.codec, probed.video?.height, probed.audio?.codec]).toEqual(['h264', 360, 'aac']);

    // Only the assets: not the state file, not a path out of the directory, not an unknown id.
    for (const path of [`/recordings/${recorded.id}/recording.json`, `/recordings/${recorded.id}/..%2Frecording.json`, `/recordings/${recorded.id}/360p/..%2F..%2Frecording.json`, '/recordings/AAAAAAAAAAAAAAAAAAAAAA/recording.mp4']) {
      expect((await file(path)).status, path).toBe(404);
    }
  });

  it('records an MP4 alone (no segments kept) and refuses to delete a recording still being made', async () => {
    const stream = await json<LiveStreamInfo>(await start({ quality: '360p', recording: { mp4: true } }));
    expect(await waitRunning(stream.id)).toBe(true);
    const busy = await server.api(`/v1/recordings/${stream.id}`, { method: 'DELETE' });
    expect([busy.status, ((await busy.json()) as { error: { code: string } }).error.code]).toEqual([409, 'conflict']);
    expect((await json<RecordingInfo>(await server.api(`/v1/recordings/${stream.id}`))).status).toBe('recording');
    // A refused start (one live stream per room) leaves no recording behind.
    const before = await readdir(recordingsDir());
    expect((await start({ quality: '360p', recording: { hls_vod: true } })).status).toBe(409);
    expect(await readdir(recordingsDir())).toEqual(before);
    const { recordings } = await json<{ recordings: RecordingInfo[] }>(await server.api('/v1/recordings'));
    expect(recordings.filter((r) => r.status === 'recording').map((r) => r.id)).toEqual([stream.id]);
    await sleep(2500);
    const stopped = await json<LiveStreamInfo>(await server.api(`/v1/live_streams/${stream.id}/stop`, { method: 'POST' }));
    expect(stopped.recording.assets.map((a) => a.type)).toEqual(['mp4']);
    expect((await readdir(join(recordingsDir(), stream.id))).sort()).toEqual(['recording.json', 'recording.mp4']);
    expect((await file(`/recordings/${stream.id}/master.m3u8`)).status).toBe(404);
    expect((await server.api(`/v1/recordings/${stream.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('lists no half-written MP4 when the disk fills up during the remux, and says why', async () => {
    const stream = await json<LiveStreamInfo>(await start({ quality: '360p', recording: { hls_vod: true, mp4: true } }));
    expect(await waitRunning(stream.id)).toBe(true);
    // The remux's temporary file leads to /dev/full: every write fails with ENOSPC, as on a full disk.
    await symlink('/dev/full', join(recordingsDir(), stream.id, '.recording.mp4.tmp'));
    await sleep(2500);
    const stopped = await json<LiveStreamInfo>(await server.api(`/v1/live_streams/${stream.id}/stop`, { method: 'POST' }));
    expect(stopped.recording.assets.map((a) => a.type)).toEqual(['hls_vod']);
    const recording = await json<RecordingInfo>(await server.api(`/v1/recordings/${stream.id}`));
    expect(recording).toMatchObject({ status: 'failed', error: 'the disk is full: cannot write the recording' });
    expect((await readdir(join(recordingsDir(), stream.id))).filter((name) => name.includes('mp4'))).toEqual([]);
    expect((await file(`/recordings/${stream.id}/recording.mp4`)).status).toBe(404);
    const ready = () => hooks.received.find((h) => h.event.type === 'recording.ready' && (h.event.data.recording as RecordingInfo).id === stream.id);
    expect(await waitFor(() => !!ready(), 5000)).toBe(true);
    expect(ready()!.event.data.recording).toMatchObject({ status: 'failed', error: 'the disk is full: cannot write the recording' });
    expect((await server.api(`/v1/recordings/${stream.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('deletes a recording and its files', async () => {
    expect((await server.api(`/v1/recordings/${recorded.id}`, { method: 'DELETE', auth: false })).status).toBe(401);
    expect((await server.api(`/v1/recordings/${recorded.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await readdir(recordingsDir())).not.toContain(recorded.id);
    expect((await file(`/recordings/${recorded.id}/recording.mp4`)).status).toBe(404);
    expect((await server.api(`/v1/recordings/${recorded.id}`)).status).toBe(404);
    expect((await server.api(`/v1/recordings/${recorded.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses a recorded start when the recordings directory cannot be written, starting nothing', async () => {
    // As root every mode bit is ignored: a plain file where the directory was makes it unwritable.
    await rm(recordingsDir(), { recursive: true, force: true });
    await writeFile(recordingsDir(), 'not a directory');
    try {
      const response = await start({ quality: '360p', recording: { hls_vod: true } });
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ error: { code: 'service_unavailable', message: 'the recordings directory is not writable' } });
      expect(server.egress.composites.size).toBe(0);
      expect(server.sfu.room('rec').egress.live_streams).toEqual([]);
    } finally {
      await rm(recordingsDir(), { force: true });
    }
  });

  it('refuses to start a server whose RECORDINGS_DIR cannot be written', async () => {
    const blocker = join(hlsDir, 'blocker');
    await writeFile(blocker, '');
    await expect(startTestServer({ RECORDINGS_DIR: join(blocker, 'recordings') })).rejects.toThrow(/RECORDINGS_DIR: cannot write/);
  });
});

/** A recording whose server died mid-stream: found at the next start, closed, remuxed, ready with the reason. */
describe('recovery of recordings a crash left unfinished', () => {
  let hlsDir: string;
  let hooks: WebhookReceiver;
  let server: TestServer | undefined;

  beforeAll(async () => {
    hlsDir = await mkdtemp(join(tmpdir(), 'recordings-recovery-'));
    hooks = await startWebhookReceiver(WEBHOOK_SECRET);
  });
  afterAll(async () => {
    await server?.close();
    await hooks?.close();
    await rm(hlsDir, { recursive: true, force: true });
  });

  it('closes the playlist, makes the assets and sends recording.ready at the next start', async () => {
    // Real segments, from a real recorded live stream of a first server, then left as a SIGKILL leaves them.
    const first = await startTestServer({ HLS_DIR: hlsDir });
    let id: string;
    try {
      await first.api('/v1/rooms', { method: 'POST', body: { name: 'crash' } });
      const publisher = await SyntheticPublisher.start(first.sfu.room('crash'), { identity: 'bob', name: 'Bob' });
      try {
        const stream = (await (await first.api('/v1/rooms/crash/live_streams', { method: 'POST', body: { quality: '360p', recording: { hls_vod: true, mp4: true } } })).json()) as LiveStreamInfo;
        id = stream.id;
        expect(await waitFor(async () => ((await (await first.api(`/v1/live_streams/${id}`)).json()) as LiveStreamInfo).status === 'running', 20_000)).toBe(true);
        await sleep(4500);
        // What the disk holds mid-stream: the live playlist (no ENDLIST, parts listed) and the state as written at the start.
        await cp(join(hlsDir, 'recordings', id), join(hlsDir, 'midstream'), { recursive: true });
      } finally {
        await publisher.stop();
      }
    } finally {
      await first.close();
    }
    await rm(join(hlsDir, 'recordings', id), { recursive: true, force: true });
    await cp(join(hlsDir, 'midstream'), join(hlsDir, 'recordings', id), { recursive: true });
    const left = await readFile(join(hlsDir, 'recordings', id, '360p', 'index.m3u8'), 'utf8');
    expect(left).not.toContain('#EXT-X-ENDLIST');
    expect(JSON.parse(await readFile(join(hlsDir, 'recordings', id, 'recording.json'), 'utf8'))).toMatchObject({ status: 'recording' });

    server = await startTestServer({ HLS_DIR: hlsDir, WEBHOOK_URLS: hooks.url, WEBHOOK_SECRET });
    const ready = async () => ((await (await server!.api(`/v1/recordings/${id}`)).json()) as RecordingInfo).status === 'ready';
    expect(await waitFor(ready, 20_000)).toBe(true);
    const recording = (await (await server.api(`/v1/recordings/${id}`)).json()) as RecordingInfo;
    expect(recording).toMatchObject({ room: 'crash', error: 'the server stopped unexpectedly', renditions: ['360p'] });
    expect(recording.assets.map((a) => a.type).sort()).toEqual(['hls_vod', 'mp4']);
    const vod = recording.assets.find((a) => a.type === 'hls_vod')!;
    expect(vod.duration_s).toBeGreaterThan(2);
    const mp4 = (await probeStream(join(hlsDir, 'recordings', id, 'recording.mp4')));
    expect([mp4.video?.codec, mp4.audio?.codec]).toEqual(['h264', 'aac']);
    const media = await (await fetch(`${server.url}/recordings/${id}/360p/index.m3u8`)).text();
    expect(media.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(media).not.toMatch(/#EXT-X-(PART|PRELOAD-HINT):/);
    const probed = await probeStream(`${server.url}${vod.url}`);
    expect([probed.video?.codec, probed.audio?.codec]).toEqual(['h264', 'aac']);
    expect(JSON.parse(await readFile(join(hlsDir, 'recordings', id, 'recording.json'), 'utf8'))).toMatchObject({ status: 'ready' });
    expect(await waitFor(() => hooks.received.some((h) => h.event.type === 'recording.ready'), 5000)).toBe(true);
    const hook = hooks.received.find((h) => h.event.type === 'recording.ready')!;
    expect(hook.event).toMatchObject({ room_id: 'crash', data: { recording: { id, error: 'the server stopped unexpectedly' } } });
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticPublisher } from '@roomcast/egress';
import type { LiveStreamInfo } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { checkLlHls } from '../packages/egress/src/hls/checkLlHls.js';
import { launchBrowser } from './support/browser.js';
import { probeStream } from './support/ffprobe.js';
import { startHlsPlayerPage } from './support/hlsPlayer.js';
import { ffmpegChildren } from './support/mediaProcesses.js';
import { waitFor } from './support/ports.js';
import { waitForNoMediaProcesses } from './support/processes.js';
import { type RtmpServer, startRtmpServer } from './support/rtmpServer.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhookReceiver.js';

const WEBHOOK_SECRET = 'whsec_hls_e2e_0123456789abcdef';
const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';

/** The part a blocking reload would ask for next: the segment being filled and its next part index. */
function nextPart(playlist: string): { msn: number; part: number } {
  const sequence = Number(/^#EXT-X-MEDIA-SEQUENCE:(\d+)$/m.exec(playlist)?.[1]);
  const lines = playlist.trim().split('\n');
  const lastSegment = lines.map((line) => line.startsWith('#EXTINF:')).lastIndexOf(true);
  const segments = lines.filter((line) => line.startsWith('#EXTINF:')).length;
  return { msn: sequence + segments, part: lines.slice(lastSegment + 1).filter((line) => line.startsWith('#EXT-X-PART:')).length };
}

describe('HLS live stream of a room (real mediasoup, FFmpeg, nginx-rtmp, Chromium)', () => {
  let server: TestServer;
  let rtmp: RtmpServer;
  let hooks: WebhookReceiver;
  let hlsDir: string;
  let publisher: SyntheticPublisher;
  let stream: LiveStreamInfo;
  const url = (path: string) => `${server.url}${path}`;
  const playlistUrl = () => url(`/hls/${stream.id}/360p/index.m3u8`);
  const getStream = async (): Promise<LiveStreamInfo> => (await (await server.api(`/v1/live_streams/${stream.id}`)).json()) as LiveStreamInfo;

  beforeAll(async () => {
    hlsDir = await mkdtemp(join(tmpdir(), 'hls-e2e-'));
    rtmp = await startRtmpServer();
    hooks = await startWebhookReceiver(WEBHOOK_SECRET);
    server = await startTestServer({ WEBHOOK_URLS: hooks.url, WEBHOOK_SECRET, HLS_DIR: hlsDir });
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'stage' } });
    publisher = await SyntheticPublisher.start(server.sfu.room('stage'), { identity: 'alice', name: 'Alice' });
  });

  afterAll(async () => {
    await publisher?.stop();
    await server?.close();
    await hooks?.close();
    await rtmp?.stop();
    await rm(hlsDir, { recursive: true, force: true });
  });

  it('starts at 360p, runs, and ffprobe reads the master playlist as H.264 640x360 + AAC', async () => {
    const calledAt = performance.now();
    const response = await server.api('/v1/rooms/stage/live_streams', { method: 'POST', body: { quality: '360p', recording: { hls_vod: true } } });
    expect(response.status).toBe(201);
    stream = (await response.json()) as LiveStreamInfo;
    expect(stream).toMatchObject({ room: 'stage', status: 'starting', renditions: ['360p'], started_by: { type: 'api' }, started_at: null, error: null });
    expect(stream.playback.url).toBe(`/hls/${stream.id}/master.m3u8`);
    expect(await waitFor(async () => (await getStream()).status === 'running', 10_000)).toBe(true);
    console.log(`live stream running ${Math.round(performance.now() - calledAt)} ms after POST /v1/rooms/stage/live_streams`);
    // One per room.
    expect((await server.api('/v1/rooms/stage/live_streams', { method: 'POST', body: { quality: '360p' } })).status).toBe(409);

    // FFmpeg's HLS demuxer knows no parts: it needs complete segments.
    expect(await waitFor(async () => (await (await fetch(playlistUrl())).text()).includes('#EXTINF:'), 10_000)).toBe(true);
    const probe = await probeStream(url(stream.playback.url), { analyzeDurationMs: 2000 });
    expect(probe.video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    expect(probe.audio).toMatchObject({ codec: 'aac', sampleRate: 48000 });
  });

  it('serves LL-HLS: parts, a blocking reload answered when the part exists, the right headers, 400s and 404s', async () => {
    const master = await fetch(url(stream.playback.url));
    expect(master.headers.get('content-type')).toContain(PLAYLIST_TYPE);
    expect(master.headers.get('access-control-allow-origin')).toBe('*');
    expect(master.headers.get('cache-control')).toBe('no-cache');
    expect(await master.text()).toMatch(/BANDWIDTH=\d+,RESOLUTION=640x360,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2",FRAME-RATE=30\.000\n360p\/index\.m3u8/);

    const playlist = await (await fetch(playlistUrl())).text();
    expect(playlist).toMatch(/^#EXT-X-PART:DURATION=/m);
    expect(checkLlHls(playlist)).toEqual([]);

    const next = nextPart(playlist);
    const askedAt = performance.now();
    const blocked = await fetch(`${playlistUrl()}?_HLS_msn=${next.msn}&_HLS_part=${next.part}`);
    const waitedMs = performance.now() - askedAt;
    expect(blocked.status).toBe(200);
    const after = nextPart(await blocked.text());
    // The answer lists the part asked for: what comes next is beyond it.
    expect(after.msn > next.msn || after.part > next.part).toBe(true);
    expect(waitedMs).toBeLessThan(1000);

    const init = await fetch(url(`/hls/${stream.id}/360p/init.mp4`));
    expect([init.status, init.headers.get('content-type'), init.headers.get('cache-control')]).toEqual([200, 'video/mp4', 'public, max-age=31536000, immutable']);
    const segment = /^(seg\d+\.m4s)$/m.exec(playlist)?.[1] ?? /URI="(part\d+\.m4s)"/.exec(playlist)?.[1];
    const media = await fetch(url(`/hls/${stream.id}/360p/${segment}`));
    expect([media.status, media.headers.get('content-type'), media.headers.get('access-control-allow-origin')]).toEqual([200, 'video/iso.segment', '*']);
    expect((await media.arrayBuffer()).byteLength).toBeGreaterThan(0);

    for (const query of ['_HLS_msn=abc', '_HLS_part=1', `_HLS_msn=${next.msn + 5}`]) {
      expect((await fetch(`${playlistUrl()}?${query}`)).status, query).toBe(400);
    }
    const missing = [
      '/hls/AAAAAAAAAAAAAAAAAAAAAA/master.m3u8',
      `/hls/${stream.id}/720p/index.m3u8`,
      `/hls/${stream.id}/360p/..%2F..%2F..%2Fpackage.json`,
      `/hls/${stream.id}/360p/%2e%2e`,
      `/hls/${stream.id}/360p/part999999.m4s`,
      `/hls/${stream.id}/360p/index.m3u8.tmp`,
    ];
    for (const path of missing) expect((await fetch(url(path))).status, path).toBe(404);
  });

  it('goes to RTMP and HLS at once from one encoder', async () => {
    const body = { broadcasts: [{ name: 'yt', stream_url: rtmp.appUrl(), stream_key: 'stage' }] };
    expect((await server.api('/v1/rooms/stage/rtmp_broadcasts', { method: 'POST', body })).status).toBe(201);
    expect(await waitFor(async () => (await rtmp.liveStreams()).includes('stage'), 10_000)).toBe(true);
    expect(ffmpegChildren('encoder')).toHaveLength(1);
    const room = (await (await server.api('/v1/rooms/stage')).json()) as { room: { egress: { broadcasting: boolean; live_streams: LiveStreamInfo[] } } };
    expect(room.room.egress).toMatchObject({ broadcasting: true, live_streams: [{ id: stream.id, status: 'running' }] });
  });

  it('plays in Chromium with hls.js in low-latency mode, from another origin', async () => {
    const page = await startHlsPlayerPage();
    const browser = await launchBrowser();
    try {
      const tab = await browser.newPage();
      const failed: string[] = [];
      tab.on('response', (response) => {
        if (response.url().includes('/hls/') && response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
      });
      await tab.goto(page.url(url(stream.playback.url)));
      const state = () => tab.evaluate(() => {
        const { video, hls, errors } = (window as unknown as { player: { video: HTMLVideoElement; hls: { latency: number }; errors: string[] } }).player;
        return { time: video.currentTime, latency: hls.latency, errors };
      });
      expect(await waitFor(async () => (await state()).time > 0.5, 15_000)).toBe(true);
      const first = await state();
      expect(await waitFor(async () => (await state()).time > first.time + 1.5, 10_000)).toBe(true);
      const later = await state();
      console.log(`hls.js: currentTime ${later.time.toFixed(2)} s, latency ${later.latency.toFixed(2)} s, errors ${JSON.stringify(later.errors)}`);
      expect(later.errors.filter((e) => e.startsWith('fatal'))).toEqual([]);
      expect(failed).toEqual([]);
    } finally {
      await browser.close();
      await page.close();
    }
  });

  it('stops: ENDLIST, events and webhooks; RTMP goes on; then nothing is left running', async () => {
    const response = await server.api(`/v1/live_streams/${stream.id}/stop`, { method: 'POST' });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'stopped', stopped_by: { type: 'api' } });
    // A recording: the playlist is complete and still served.
    expect(await (await fetch(playlistUrl())).text()).toContain('#EXT-X-ENDLIST');
    expect(await rtmp.liveStreams()).toEqual(['stage']);
    expect(ffmpegChildren('encoder')).toHaveLength(1);

    await expect.poll(() => hooks.received.filter((h) => h.event.type.startsWith('live_stream.')).map((h) => h.event.type), { timeout: 5000 })
      .toEqual(['live_stream.started', 'live_stream.stopped']);
    expect(hooks.received.every((h) => h.signatureValid)).toBe(true);
    const stopped = hooks.received.find((h) => h.event.type === 'live_stream.stopped')!.event;
    expect(stopped).toMatchObject({ room_id: 'stage', data: { live_stream: { id: stream.id, status: 'stopped' } } });

    expect((await server.api('/v1/rooms/stage/rtmp_broadcasts/stop', { method: 'POST' })).status).toBe(200);
    const leftovers = await waitForNoMediaProcesses({ names: ['ffmpeg'] }, 5000);
    expect(leftovers.filter((p) => p.pid !== publisher.pid)).toEqual([]);
    expect(server.egress.composites.size).toBe(0);
  });

  it('serves an ABR ladder: the master lists both renditions, ffprobe reads each at its resolution', async () => {
    const response = await server.api('/v1/rooms/stage/live_streams', { method: 'POST', body: { quality: '480p', renditions: ['480p', '360p'] } });
    expect(response.status).toBe(201);
    const ladder = (await response.json()) as LiveStreamInfo;
    expect(ladder.renditions).toEqual(['480p', '360p']);
    expect(await waitFor(async () => (await (await server.api(`/v1/live_streams/${ladder.id}`)).json()).status === 'running', 10_000)).toBe(true);
    // One composite, one encode per rendition.
    expect(ffmpegChildren('encoder')).toHaveLength(2);
    const master = await (await fetch(url(ladder.playback.url))).text();
    const variants = [...master.matchAll(/BANDWIDTH=(\d+),RESOLUTION=(\d+x\d+),CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2",FRAME-RATE=30\.000\n(\S+)/g)];
    expect(variants.map((v) => [v[2], v[3]])).toEqual([['854x480', '480p/index.m3u8'], ['640x360', '360p/index.m3u8']]);
    expect(Number(variants[0]![1])).toBeGreaterThan(Number(variants[1]![1]));
    for (const [name, width, height] of [['480p', 854, 480], ['360p', 640, 360]] as const) {
      const media = url(`/hls/${ladder.id}/${name}/index.m3u8`);
      // FFmpeg's HLS demuxer knows no parts: it needs a complete segment.
      expect(await waitFor(async () => (await (await fetch(media)).text()).includes('#EXTINF:'), 10_000)).toBe(true);
      const probe = await probeStream(media, { analyzeDurationMs: 1000 });
      expect(probe.video, name).toMatchObject({ codec: 'h264', width, height });
    }
    expect((await server.api(`/v1/live_streams/${ladder.id}/stop`, { method: 'POST' })).status).toBe(200);
    const leftovers = await waitForNoMediaProcesses({ names: ['ffmpeg'] }, 5000);
    expect(leftovers.filter((p) => p.pid !== publisher.pid)).toEqual([]);
  });
});

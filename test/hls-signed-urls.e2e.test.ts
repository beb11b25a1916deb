import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveStreamInfo, RecordingInfo } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { probeStream } from './support/ffprobe.js';
import { waitFor } from './support/ports.js';

const SECRET = 'hls-url-secret-for-tests-0123';
const TTL_S = 600;

/**
 * HLS_SIGNED_URLS (real server, FFmpeg and ffprobe; the media is the room's placeholder card):
 * only signed, unexpired URLs play, and the signature reaches every file through the playlists.
 */
describe('signed HLS playback and recording URLs', () => {
  let server: TestServer;
  let stream: LiveStreamInfo;
  const json = async <T>(response: Response): Promise<T> => (await response.json()) as T;
  const get = (path: string) => fetch(`${server.url}${path}`);
  /** A URL's path and query (the server hands out paths: no PUBLIC_URL here). */
  const pathOf = (url: string) => url;
  const withoutQuery = (url: string) => url.split('?')[0]!;
  const signed = (prefix: string, exp: number) => `exp=${exp}&sig=${createHmac('sha256', SECRET).update(`${prefix}${exp}`).digest('hex')}`;
  const expectForbidden = async (path: string) => {
    const response = await get(path);
    expect([response.status, response.headers.get('access-control-allow-origin'), await response.json()], path).toEqual([
      403, '*', { error: { code: 'forbidden', message: expect.any(String) } },
    ]);
  };
  /** Every URI of a playlist (URI lines and URI="…" attributes). */
  const urisOf = (playlist: string) =>
    playlist.split('\n').flatMap((line) => (line.startsWith('#') ? [...line.matchAll(/URI="([^"]*)"/g)].map((m) => m[1]!) : line.trim() ? [line.trim()] : []));

  beforeAll(async () => {
    server = await startTestServer({ HLS_SIGNED_URLS: 'true', HLS_URL_SECRET: SECRET, HLS_URL_TTL_S: String(TTL_S) }, { captureLogs: true });
    await server.sfu.createRoom('signed');
    const response = await server.api('/v1/rooms/signed/live_streams', { method: 'POST', body: { quality: '360p', recording: { hls_vod: true } } });
    expect(response.status).toBe(201);
    stream = await json<LiveStreamInfo>(response);
    const running = await waitFor(async () => (await json<LiveStreamInfo>(await server.api(`/v1/live_streams/${stream.id}`))).status === 'running', 20_000);
    expect(running).toBe(true);
  });

  afterAll(async () => {
    await server?.close();
  });

  it('hands out a playback URL signed over the id directory, expiring TTL from now', () => {
    const url = new URL(stream.playback.url, 'http://x');
    const exp = Number(url.searchParams.get('exp'));
    expect(url.pathname).toBe(`/hls/${stream.id}/master.m3u8`);
    expect(Math.abs(exp - (Date.now() / 1000 + TTL_S))).toBeLessThan(30);
    expect(url.search).toBe(`?${signed(`/hls/${stream.id}/`, exp)}`);
  });

  it('refuses unsigned, tampered, expired and other streams\' signatures with 403 forbidden', async () => {
    const master = `/hls/${stream.id}/master.m3u8`;
    const { exp, sig } = Object.fromEntries(new URL(stream.playback.url, 'http://x').searchParams);
    await expectForbidden(master);
    await expectForbidden(`/hls/${stream.id}/360p/index.m3u8`);
    await expectForbidden(`/hls/${stream.id}/360p/init.mp4`);
    await expectForbidden(`${master}?exp=${exp}&sig=${sig!.slice(0, -1)}${sig!.endsWith('0') ? '1' : '0'}`);
    await expectForbidden(`${master}?exp=${Number(exp) + 1}&sig=${sig}`);
    const past = Math.floor(Date.now() / 1000) - 5;
    await expectForbidden(`${master}?${signed(`/hls/${stream.id}/`, past)}`);
    await expectForbidden(`${master}?${signed('/hls/AAAAAAAAAAAAAAAAAAAAAA/', Number(exp))}`);
    await expectForbidden(`${master}?${signed(`/recordings/${stream.id}/`, Number(exp))}`);
    // An unknown id is refused the same way: its existence is not told without a signature.
    await expectForbidden('/hls/AAAAAAAAAAAAAAAAAAAAAA/master.m3u8');
  });

  it('carries the signature into every URI, blocking reloads included', async () => {
    const query = new URL(stream.playback.url, 'http://x').search.slice(1);
    const master = await (await get(pathOf(stream.playback.url))).text();
    const variants = urisOf(master);
    expect(variants).toEqual([`360p/index.m3u8?${query}`]);
    const media = await (await get(`/hls/${stream.id}/360p/index.m3u8?${query}`)).text();
    const msn = Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(media)?.[1] ?? 0);
    const reload = await get(`/hls/${stream.id}/360p/index.m3u8?${query}&_HLS_msn=${msn + 1}&_HLS_part=0`);
    expect(reload.status).toBe(200);
    const reloaded = await reload.text();
    const uris = urisOf(reloaded);
    expect(reloaded).toMatch(/#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part\d+\.m4s\?exp=/);
    expect(uris.length).toBeGreaterThan(3);
    for (const uri of uris) expect(uri.endsWith(`?${query}`), uri).toBe(true);
    const init = await get(`/hls/${stream.id}/360p/${uris.find((u) => u.startsWith('init.mp4'))}`);
    expect([init.status, init.headers.get('content-type')]).toEqual([200, 'video/mp4']);
    const part = await get(`/hls/${stream.id}/360p/${uris.find((u) => /^part\d+\.m4s/.test(u))}`);
    expect(part.status).toBe(200);
  });

  it('plays from the signed URL: ffprobe reads the master through the rewritten playlists', async () => {
    // FFmpeg's HLS demuxer knows no parts: it needs a complete segment.
    const media = `/hls/${stream.id}/360p/index.m3u8${new URL(stream.playback.url, 'http://x').search}`;
    expect(await waitFor(async () => (await (await get(media)).text()).includes('#EXTINF:'), 10_000)).toBe(true);
    const probed = await probeStream(`${server.url}${pathOf(stream.playback.url)}`, { analyzeDurationMs: 2000 });
    expect(probed.video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
  });

  it('signs recording assets, serves them only signed, and never logs a signature or the secret', async () => {
    const stopped = await json<LiveStreamInfo>(await server.api(`/v1/live_streams/${stream.id}/stop`, { method: 'POST' }));
    expect(stopped.status).toBe('stopped');
    const ready = await waitFor(async () => (await json<RecordingInfo>(await server.api(`/v1/recordings/${stream.id}`))).status === 'ready', 20_000);
    expect(ready).toBe(true);
    const recording = await json<RecordingInfo>(await server.api(`/v1/recordings/${stream.id}`));
    const vod = recording.assets.find((a) => a.type === 'hls_vod')!;
    const url = new URL(vod.url, 'http://x');
    expect(url.search).toBe(`?${signed(`/recordings/${stream.id}/`, Number(url.searchParams.get('exp')))}`);
    await expectForbidden(withoutQuery(vod.url));
    await expectForbidden(`${withoutQuery(vod.url)}?${signed(`/hls/${stream.id}/`, Number(url.searchParams.get('exp')))}`);
    const master = await get(pathOf(vod.url));
    expect(master.status).toBe(200);
    const [variant] = urisOf(await master.text());
    expect(variant).toBe(`360p/index.m3u8${url.search}`);
    const media = await (await get(`/recordings/${stream.id}/${variant}`)).text();
    const files = urisOf(media);
    expect(files.length).toBeGreaterThan(1);
    for (const file of files) expect((await get(`/recordings/${stream.id}/360p/${file}`)).status, file).toBe(200);
    await expectForbidden(`/recordings/${stream.id}/360p/${withoutQuery(files[0]!)}`);
    const logs = server.logs.join('\n');
    expect(logs).not.toContain(SECRET);
    expect(logs).not.toContain(url.searchParams.get('sig'));
  });
});

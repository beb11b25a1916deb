import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveStreamInfo } from '@roomcast/protocol';
import { WsClient } from '../testing/WsClient.js';
import { startTestServer, type TestServer } from '../testServer.js';

/** The live stream API over REST and signaling (real server and FFmpeg; media is a placeholder card). */
describe('live stream API', () => {
  let server: TestServer;
  let hlsDir: string;
  const wsUrl = (token: string): string => `${server.url.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}`;
  const start = (room: string, body?: unknown, auth?: boolean) => server.api(`/v1/rooms/${room}/live_streams`, { method: 'POST', body, auth });
  const codeOf = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

  const joinedClient = async (room: string, identity: string, role: 'participant' | 'moderator') => {
    const client = await WsClient.open(wsUrl(await server.participantToken(room, identity, role)));
    const caps = await client.request('getRouterRtpCapabilities');
    const joined = await client.request('join', { rtpCapabilities: (caps.data as { rtpCapabilities: unknown }).rtpCapabilities });
    expect(joined.ok).toBe(true);
    return client;
  };

  beforeAll(async () => {
    hlsDir = await mkdtemp(join(tmpdir(), 'live-api-'));
    server = await startTestServer({ HLS_DIR: hlsDir, PUBLIC_URL: 'https://tv.example/' });
    await server.sfu.createRoom('api');
  });
  afterAll(async () => {
    await server.close();
    await rm(hlsDir, { recursive: true, force: true });
  });

  it('needs an admin token for management, none for playback', async () => {
    expect((await start('api', {}, false)).status).toBe(401);
    expect((await server.api('/v1/live_streams/abc', { auth: false })).status).toBe(401);
    expect((await server.api('/v1/rooms/api/live_streams', { auth: false })).status).toBe(401);
    const playback = await server.api('/hls/AAAAAAAAAAAAAAAAAAAAAA/master.m3u8', { auth: false });
    expect([playback.status, playback.headers.get('access-control-allow-origin')]).toEqual([404, '*']);
    const preflight = await fetch(`${server.url}/hls/AAAAAAAAAAAAAAAAAAAAAA/360p/index.m3u8`, { method: 'OPTIONS', headers: { origin: 'https://player.example' } });
    expect([preflight.status, preflight.headers.get('access-control-allow-origin'), preflight.headers.get('access-control-allow-methods')]).toEqual([204, '*', 'GET, HEAD, OPTIONS']);
  });

  it('refuses bad requests with a coded error, starting nothing', async () => {
    expect(await codeOf(await start('nowhere', {}))).toBe('room_not_found');
    expect(await codeOf(await start('api', { quality: '4k' }))).toBe('invalid_body');
    expect(await codeOf(await start('api', { unknown: 1 }))).toBe('invalid_body');
    const ladder = await start('api', { quality: '360p', renditions: ['360p', '240p'] });
    expect(ladder.status).toBe(400);
    // The ladder only scales the composite down, in its orientation: 409; a rendition twice: 400.
    const above = await start('api', { quality: '360p', renditions: ['360p', '720p'] });
    expect([above.status, await above.json()]).toEqual([409, { error: { code: 'conflict', message: expect.stringContaining('above') } }]);
    expect(await codeOf(await start('api', { quality: '720p', renditions: ['360p-portrait'] }))).toBe('conflict');
    expect(await codeOf(await start('api', { renditions: ['360p', '360p'] }))).toBe('invalid_body');
    expect(await codeOf(await server.api('/v1/live_streams/nope'))).toBe('egress_not_found');
    expect(await codeOf(await server.api('/v1/live_streams/nope/stop', { method: 'POST' }))).toBe('egress_not_found');
    expect(server.egress.composites.size).toBe(0);
  });

  it('starts and stops over REST with absolute playback URLs from PUBLIC_URL, and lists per room', async () => {
    const response = await start('api', { quality: '360p', name: 'Town hall' });
    expect(response.status).toBe(201);
    const stream = (await response.json()) as LiveStreamInfo;
    expect(stream).toMatchObject({ name: 'Town hall', status: 'starting', recording: { hls_vod: false, mp4: false, assets: [] } });
    expect(stream.playback.url).toBe(`https://tv.example/hls/${stream.id}/master.m3u8`);
    expect(await codeOf(await start('api', { quality: '360p' }))).toBe('conflict');
    const listed = (await (await server.api('/v1/rooms/api/live_streams')).json()) as { live_streams: LiveStreamInfo[] };
    expect(listed.live_streams.map((s) => s.id)).toEqual([stream.id]);
    const stopped = (await (await server.api(`/v1/live_streams/${stream.id}/stop`, { method: 'POST' })).json()) as LiveStreamInfo;
    expect(stopped).toMatchObject({ status: 'stopped', stopped_by: { type: 'api', identity: null } });
    // Not recorded: nothing is served any more.
    expect((await server.api(`/hls/${stream.id}/master.m3u8`, { auth: false })).status).toBe(404);
    expect(server.egress.composites.size).toBe(0);
  });

  it('leaves playback out of the API rate limit: players poll several times a second', async () => {
    const limited = await startTestServer({ RATE_LIMIT_MAX: '3' });
    try {
      const statuses = async (path: string, auth: boolean) => Promise.all(Array.from({ length: 6 }, async () => (await limited.api(path, { auth })).status));
      expect(await statuses('/hls/AAAAAAAAAAAAAAAAAAAAAA/360p/index.m3u8', false)).toEqual([404, 404, 404, 404, 404, 404]);
      expect(await statuses('/v1/rooms', true)).toContain(429);
    } finally {
      await limited.close();
    }
  });

  it('lets moderators, and only them by default, start and stop a live stream from the SDK', async () => {
    const member = await joinedClient('sdk', 'ivan', 'participant');
    const moderator = await joinedClient('sdk', 'judy', 'moderator');
    expect(await member.request('startLiveStream', { quality: '360p' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await member.request('startLiveStream', { quality: '4k' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    const started = await moderator.request('startLiveStream', { quality: '360p' });
    expect(started).toMatchObject({ ok: true, data: { live_stream: { status: 'starting', started_by: { type: 'participant', identity: 'judy' } } } });
    await member.waitFor((m) => m.method === 'egressUpdated' && JSON.stringify(m.data).includes('"live_streams":[{'));
    await member.waitFor((m) => m.method === 'roomEvent' && (m.data as { type: string }).type === 'live_stream.started', 10_000);
    expect(await member.request('stopLiveStream')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await moderator.request('stopLiveStream', {})).toMatchObject({
      ok: true,
      data: { live_stream: { status: 'stopped', stopped_by: { type: 'participant', identity: 'judy' } } },
    });
    await member.waitFor((m) => m.method === 'roomEvent' && (m.data as { type: string }).type === 'live_stream.stopped');
    expect(await moderator.request('stopLiveStream', {})).toMatchObject({ ok: false, error: { code: 'egress_not_found' } });
    member.socket.close();
    moderator.socket.close();
  });
});

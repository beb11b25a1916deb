import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticPublisher, WEB_LAYOUT_FAILED } from '@roomcast/egress';
import type { EgressState } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { waitFor } from './support/ports.js';
import { grabFrame, lumaSpread, type RgbFrame } from './support/frameGrab.js';
import { findMediaProcesses } from './support/processes.js';
import { type RtmpServer, startRtmpServer } from './support/rtmpServer.js';

const MARKER: [number, number, number] = [0x00, 0xc8, 0xff];
const LOAD_TIMEOUT_MS = 2000;
const PROCESS_NAMES = ['chromium', 'ffmpeg'];

/** A layout page that paints the marker colour over the whole page. */
function markerPages(): Server {
  return createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end('<!doctype html><body style="margin:0;background:#00c8ff"><h1 style="color:#fff">Live</h1><script>window.roomcast.ready()</script></body>');
  });
}

async function listen(server: Server | TcpServer): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** One decoded 640x360 picture from the destination. */
const grab360p = (url: string): Promise<RgbFrame> => grabFrame(url, 640, 360);

/** The pixel at the centre of the destination's picture. */
async function centrePixel(url: string): Promise<[number, number, number]> {
  return (await grab360p(url)).at(320, 180);
}

/** Chromium and FFmpeg processes of the egress (the synthetic publisher's FFmpeg is the room's, not the egress's). */
const egressProcesses = () => findMediaProcesses({ names: PROCESS_NAMES }).filter((p) => !p.cmdline.includes('roomcast-synthetic'));

async function egressProcessesLeft(timeoutMs = 5000): Promise<string[]> {
  await waitFor(() => egressProcesses().length === 0, timeoutMs);
  return egressProcesses().map((p) => p.cmdline.slice(0, 80));
}

const near = (a: [number, number, number], b: [number, number, number], tolerance = 24): boolean => a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);
const YELLOW: [number, number, number] = [0xff, 0xff, 0x00];

/** The egress's x11grab processes, by command line. */
const grabbers = (): string[] => egressProcesses().filter((p) => p.cmdline.includes('x11grab')).map((p) => p.cmdline);

/** The first picture from the destination that `wanted` accepts, within 20 s. */
async function frameOf(url: string, wanted: (frame: RgbFrame) => boolean): Promise<RgbFrame> {
  let found: RgbFrame | undefined;
  await expect
    .poll(async () => {
      const frame = await grab360p(url);
      if (wanted(frame)) found = frame;
      return found !== undefined;
    }, { timeout: 20_000, interval: 500 })
    .toBe(true);
  return found!;
}

describe('web layout: a page rendered by Chromium is the composite (real Chromium, nginx-rtmp, FFmpeg)', () => {
  let rtmp: RtmpServer;
  let server: TestServer;
  let publisher: SyntheticPublisher;
  const pages = markerPages();
  const silentSockets = new Set<Socket>();
  /** Accepts connections and never answers: a page that never loads. */
  const silent = createTcpServer((socket) => silentSockets.add(socket));
  let pageOrigin = '';
  let silentOrigin = '';

  const start = (room: string, body: unknown) => server.api(`/v1/rooms/${room}/rtmp_broadcasts`, { method: 'POST', body });
  const stop = (room: string) => server.api(`/v1/rooms/${room}/rtmp_broadcasts/stop`, { method: 'POST' });
  const putLayout = (room: string, layout: unknown) => server.api(`/v1/rooms/${room}/egress/layout`, { method: 'PUT', body: { layout } });
  const stateOf = async (room: string): Promise<EgressState> =>
    ((await (await server.api(`/v1/rooms/${room}`)).json()) as { room: { egress: EgressState } }).room.egress;

  beforeAll(async () => {
    pageOrigin = await listen(pages);
    silentOrigin = await listen(silent);
    rtmp = await startRtmpServer();
    server = await startTestServer({ WEB_LAYOUT_ORIGINS: `${pageOrigin},${silentOrigin}`, WEB_LAYOUT_LOAD_TIMEOUT_MS: String(LOAD_TIMEOUT_MS) });
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'show' } });
    publisher = await SyntheticPublisher.start(server.sfu.room('show'), { identity: 'alice', name: 'Alice' });
  });

  afterAll(async () => {
    await publisher?.stop();
    await server?.close();
    await rtmp?.stop();
    for (const socket of silentSockets) socket.destroy();
    await new Promise((resolve) => pages.close(resolve));
    await new Promise((resolve) => silent.close(resolve));
  });

  it('refuses a page outside WEB_LAYOUT_ORIGINS with a 400, starting nothing', async () => {
    const response = await start('show', {
      quality: '360p',
      layout: { name: 'web', options: { url: 'http://127.0.0.2:8080/layout.html' } },
      broadcasts: [{ name: 'web', stream_url: rtmp.appUrl(), stream_key: 'refused' }],
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/WEB_LAYOUT_ORIGINS/) });
    // The same for a live stream's layout.
    const live = await server.api('/v1/rooms/show/live_streams', { method: 'POST', body: { quality: '360p', layout: { name: 'web', options: { url: 'http://127.0.0.2:8080/layout.html' } } } });
    expect(live.status).toBe(400);
    expect(server.egress.composites.size).toBe(0);
    expect(egressProcesses()).toEqual([]);
  });

  it("sends the page's picture to the destination: its marker colour at the centre", async () => {
    const response = await start('show', {
      quality: '360p',
      layout: { name: 'web', options: { url: `${pageOrigin}/layout.html` } },
      broadcasts: [{ name: 'web', stream_url: rtmp.appUrl(), stream_key: 'marker' }],
    });
    expect(response.status).toBe(201);
    expect(await waitFor(async () => (await rtmp.liveStreams()).includes('marker'), 15_000)).toBe(true);
    expect(findMediaProcesses({ names: ['chromium'] }).length).toBeGreaterThan(0);
    // The first pictures may be the background, before the page has painted.
    let pixel: [number, number, number] = [0, 0, 0];
    await expect
      .poll(async () => {
        pixel = await centrePixel(rtmp.rtmpUrl('marker'));
        return near(pixel, MARKER);
      }, { timeout: 30_000, interval: 500 })
      .toBe(true);
    expect((await stateOf('show')).rtmps.map((r) => r.status)).toEqual(['live']);
    expect((await stop('show')).status).toBe(200);
    expect(await egressProcessesLeft()).toEqual([]);
  });

  it('lets the encoder grab the page itself while nothing is drawn over it; then a banner over it, the page alone again and a built-in layout, live, and the destination never reconnects', async () => {
    const url = `${pageOrigin}/layout.html`;
    const response = await start('show', { quality: '360p', layout: { name: 'web', options: { url } }, broadcasts: [{ name: 'web', stream_url: rtmp.appUrl(), stream_key: 'bypass' }] });
    expect(response.status).toBe(201);
    const composite = server.egress.composites.get('show')!;
    const relay = composite.relays.get('web')!;
    // Once the page shows, the one x11grab left is the encoder's own (x264 in the same process); the compositor's grab pauses.
    await expect.poll(() => composite.encoder.source.kind, { timeout: 30_000 }).toBe('display');
    await expect.poll(() => grabbers().map((cmdline) => cmdline.includes('libx264')), { timeout: 5000 }).toEqual([true]);
    await expect.poll(async () => near(await centrePixel(rtmp.rtmpUrl('bypass')), MARKER), { timeout: 15_000, interval: 500 }).toBe(true);

    // A banner must be drawn over the page: the compositor draws again, the page's grab runs again.
    const banner = { text: 'Breaking', background: '#ffff00', position: 'bottom' as const };
    expect((await putLayout('show', { name: 'web', options: { url, banner } })).status).toBe(200);
    await expect.poll(() => composite.encoder.source.kind, { timeout: 10_000 }).toBe('pipe');
    await expect.poll(() => grabbers().map((cmdline) => cmdline.includes('libx264')), { timeout: 5000 }).toEqual([false]);
    const banded = await frameOf(rtmp.rtmpUrl('bypass'), (f) => near(f.at(620, 350), YELLOW));
    expect(near(banded.at(320, 180), MARKER)).toBe(true);

    // Without it, the encoder grabs the page again.
    expect((await putLayout('show', { name: 'web', options: { url } })).status).toBe(200);
    await expect.poll(() => composite.encoder.source.kind, { timeout: 10_000 }).toBe('display');
    const plain = await frameOf(rtmp.rtmpUrl('bypass'), (f) => near(f.at(620, 350), MARKER));
    expect(near(plain.at(320, 180), MARKER)).toBe(true);

    // A built-in layout: the publisher's picture, through the compositor.
    expect((await putLayout('show', 'grid')).status).toBe(200);
    await expect.poll(() => composite.encoder.source.kind, { timeout: 10_000 }).toBe('pipe');
    await expect.poll(async () => lumaSpread(await grab360p(rtmp.rtmpUrl('bypass'))), { timeout: 30_000, interval: 1000 }).toBeGreaterThan(30);

    expect(composite.relays.get('web')).toBe(relay);
    expect(relay.info().retries).toBe(0);
    expect((await stateOf('show')).rtmps.map((r) => r.status)).toEqual(['live']);
    expect((await stop('show')).status).toBe(200);
    expect(await egressProcessesLeft()).toEqual([]);
  });

  it("serves the page as an HLS ladder: every rung's encode grabs the page's display itself", async () => {
    const response = await server.api('/v1/rooms/show/live_streams', {
      method: 'POST',
      body: { quality: '720p', renditions: ['720p', '360p'], layout: { name: 'web', options: { url: `${pageOrigin}/layout.html` } } },
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const live = (await response.json()) as { id: string };
    try {
      const composite = server.egress.composites.get('show')!;
      // Two x264 processes, each with its own x11grab of the page, and no grab of the compositor's left.
      await expect.poll(() => grabbers().map((cmdline) => cmdline.includes('libx264')), { timeout: 30_000 }).toEqual([true, true]);
      expect(composite.encoder.source.kind).toBe('display');
      const segments = async (rung: string): Promise<number> => {
        const playlist = await fetch(`${server.url}/hls/${live.id}/${rung}/index.m3u8`);
        return playlist.ok ? ((await playlist.text()).match(/^seg\d+\.m4s$/gm)?.length ?? 0) : 0;
      };
      // Segments made once the encoders grab the page: the first ones may be the background, before it painted.
      const first = await segments('360p');
      await expect.poll(async () => Math.min(await segments('720p'), await segments('360p')), { timeout: 20_000 }).toBeGreaterThan(first + 2);
      // The lower rung (640x360, scaled from the 720p display) shows the page too: its marker colour at the centre.
      await expect.poll(async () => near(await centrePixel(`${server.url}/hls/${live.id}/360p/index.m3u8`), MARKER), { timeout: 20_000, interval: 1000 }).toBe(true);
    } finally {
      expect((await server.api(`/v1/live_streams/${live.id}/stop`, { method: 'POST' })).status).toBe(200);
    }
    expect(await egressProcessesLeft(10_000)).toEqual([]);
  });

  it('without a url shows the built-in grid page: the publisher\'s picture, drawn by a hidden recorder that nobody sees', async () => {
    const room = server.sfu.room('show');
    const joinedEvents: string[] = [];
    const onJoined = (participant: { identity: string }) => joinedEvents.push(participant.identity);
    room.on('participantJoined', onJoined);
    try {
      const response = await start('show', { quality: '360p', layout: 'web', broadcasts: [{ name: 'web', stream_url: rtmp.appUrl(), stream_key: 'grid' }] });
      expect(response.status).toBe(201);
      expect(await waitFor(async () => (await rtmp.liveStreams()).includes('grid'), 15_000)).toBe(true);
      // The page's recorder joins the room: it is there, but hidden.
      await expect.poll(() => [...room.participants.values()].filter((p) => p.joined && p.hidden).length, { timeout: 15_000 }).toBe(1);
      const listed = ((await (await server.api('/v1/rooms/show')).json()) as { room: { participants: Array<{ identity: string }> } }).room.participants;
      expect(listed.map((p) => p.identity)).toEqual(['alice']);
      // The synthetic publisher's test pattern (many colours), not a flat page and not the marker.
      await expect.poll(async () => lumaSpread(await grab360p(rtmp.rtmpUrl('grid'))), { timeout: 30_000, interval: 1000 }).toBeGreaterThan(30);
      expect(near(await centrePixel(rtmp.rtmpUrl('grid')), MARKER)).toBe(false);
      expect(joinedEvents).toEqual([]);
    } finally {
      room.off('participantJoined', onJoined);
    }
    expect((await stop('show')).status).toBe(200);
    expect(await egressProcessesLeft()).toEqual([]);
    await expect.poll(() => [...room.participants.values()].filter((p) => p.hidden).length, { timeout: 10_000 }).toBe(0);
  });

  it('fails the broadcast with the reason when the page never answers, within its timeout', async () => {
    const startedAt = Date.now();
    const response = await start('show', {
      quality: '360p',
      layout: { name: 'web', options: { url: `${silentOrigin}/never.html` } },
      broadcasts: [{ name: 'web', stream_url: rtmp.appUrl(), stream_key: 'never' }],
    });
    expect(response.status).toBe(201);
    await expect.poll(async () => (await stateOf('show')).rtmps.map((r) => r.status), { timeout: LOAD_TIMEOUT_MS + 10_000 }).toEqual(['failed']);
    const [failed] = (await stateOf('show')).rtmps;
    expect(failed!.error).toBe(`${WEB_LAYOUT_FAILED}: no answer within ${LOAD_TIMEOUT_MS} ms`);
    // Chromium's start, the timeout, and the state's poll: never a hang.
    expect(Date.now() - startedAt).toBeLessThan(LOAD_TIMEOUT_MS + 10_000);
    expect(server.egress.composites.size).toBe(0);
    expect(await egressProcessesLeft()).toEqual([]);
    expect((await stop('show')).status).toBe(200);
  });
});

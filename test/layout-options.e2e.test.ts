import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticPublisher } from '@roomcast/egress';
import type { EgressState, Layout } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { grabFrame, makePng, near, type RgbFrame, rowExtent, startFileServer } from './support/frameGrab.js';
import { waitFor } from './support/ports.js';
import { type RtmpServer, startRtmpServer } from './support/rtmpServer.js';

const BACKGROUND = '#ff8000';
const BANNER = '#0000ff';
const LOGO = '#ff0000';
const UPLOADED_LOGO = '#00ffff';

/*
 * 360p canvas, two participants. Plain grid: two 308x172 tiles at y 94..266, so (320, 70) is
 * background. Spotlight with bob pinned: bob's tile is 496x280 from (72, 8). The banner covers
 * rows 0-35, the logo (96x96, bottom-left, margin 16) x 16-111, y 248-343.
 */
describe('layout options reach the destination\'s pixels (real nginx-rtmp, FFmpeg, mediasoup)', () => {
  let rtmp: RtmpServer;
  let server: TestServer;
  let files: Awaited<ReturnType<typeof startFileServer>>;
  const publishers: SyntheticPublisher[] = [];
  const frame = (): Promise<RgbFrame> => grabFrame(rtmp.rtmpUrl('branded'), 640, 360);
  const putLayout = (room: string, layout: unknown) => server.api(`/v1/rooms/${room}/egress/layout`, { method: 'PUT', body: { layout } });
  const options = () => ({
    background: BACKGROUND,
    logo: { url: files.url('/logo.png'), position: 'bottom-left', size: 0.15, margin: 16 },
    banner: { text: 'Live from Roomcast', background: BANNER, color: '#ffffff', position: 'top' },
    tile_radius: 12,
    gap: 8,
  }) as const;
  /** Polls decoded frames until one satisfies `check` (the options apply asynchronously: a fetch, a render). */
  const frameWhere = async (check: (f: RgbFrame) => boolean, timeoutMs = 15_000): Promise<RgbFrame> => {
    let last: RgbFrame | undefined;
    // A grab can fail while the stream restarts its GOP: only a frame that matches ends the wait.
    const ok = await waitFor(async () => {
      const grabbed = await frame().catch(() => undefined);
      if (!grabbed) return false;
      last = grabbed;
      return check(grabbed);
    }, timeoutMs);
    expect(ok, 'no frame showed the expected picture').toBe(true);
    return last!;
  };

  beforeAll(async () => {
    rtmp = await startRtmpServer();
    files = await startFileServer({
      '/logo.png': { type: 'image/png', body: await makePng('red', 64) },
      '/not-an-image': { type: 'text/html', body: Buffer.from('<html></html>') },
    });
    server = await startTestServer({ LOG_LEVEL: 'warn' }, { captureLogs: true });
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'brand' } });
    publishers.push(await SyntheticPublisher.start(server.sfu.room('brand'), { identity: 'alice', name: 'Alice' }));
    publishers.push(await SyntheticPublisher.start(server.sfu.room('brand'), { identity: 'bob', name: 'Bob' }));
  });

  afterAll(async () => {
    for (const publisher of publishers) await publisher.stop();
    await server?.close();
    await files?.close();
    await rtmp?.stop();
  });

  it('refuses bad options with 400, and a layout change without a composite with 404', async () => {
    expect((await putLayout('brand', 'grid')).status).toBe(404);
    for (const layout of [{ name: 'grid', options: { gap: 100 } }, { name: 'grid', options: { background: 'orange' } }, { name: 'grid', options: { url: 'https://example.com' } }, { name: 'mosaic' }]) {
      expect((await putLayout('brand', layout)).status, JSON.stringify(layout)).toBe(400);
      const start = await server.api('/v1/rooms/brand/rtmp_broadcasts', { method: 'POST', body: { quality: '360p', layout, broadcasts: [{ name: 'x', stream_url: rtmp.appUrl() }] } });
      expect(start.status, JSON.stringify(layout)).toBe(400);
    }
    expect(server.egress.composites.size).toBe(0);
  });

  it('draws the background colour, the logo and the banner of a grid', async () => {
    const layout: Layout = { name: 'grid', options: options() };
    const response = await server.api('/v1/rooms/brand/rtmp_broadcasts', {
      method: 'POST',
      body: { quality: '360p', layout, broadcasts: [{ name: 'main', stream_url: rtmp.appUrl(), stream_key: 'branded' }] },
    });
    expect(response.status).toBe(201);
    expect(((await response.json()) as { egress: EgressState }).egress.layout).toEqual(layout);
    expect(await waitFor(async () => (await rtmp.liveStreams()).includes('branded'), 10_000)).toBe(true);
    const f = await frameWhere((f) => near(f.at(40, 300), LOGO) && near(f.at(620, 12), BANNER) && rowExtent(f, 180, BACKGROUND) !== undefined);
    expect(files.requests.filter((path) => path === '/logo.png')).toHaveLength(1);
    expect(near(f.at(320, 70), BACKGROUND)).toBe(true);
    expect(near(f.at(630, 300), BACKGROUND)).toBe(true);
    // The logo's corner: inside at (18, 250), background just outside it.
    expect(near(f.at(20, 252), LOGO)).toBe(true);
    expect(near(f.at(8, 300), BACKGROUND)).toBe(true);
    // Banner: full width, rows 0-35; the background right below it.
    expect(near(f.at(620, 30), BANNER)).toBe(true);
    expect(near(f.at(620, 44), BACKGROUND)).toBe(true);
    // Rounded corners: the very corner of the first grid tile (8, 94) is background, its inside is not.
    expect(near(f.at(10, 94), BACKGROUND)).toBe(true);
    expect(near(f.at(30, 180), BACKGROUND)).toBe(false);
    // Two grid tiles on row 180: from x ~8 to ~632, split by the gap at 320.
    expect(near(f.at(320, 180), BACKGROUND)).toBe(true);
  });

  it('pins bob big in spotlight live: the destination sees the new picture, the relay never reconnects', async () => {
    const composite = server.egress.composites.get('brand')!;
    const relayPid = composite.relays.get('main')!.pid;
    const encoderPid = composite.encoder.ffmpeg.pid;
    const response = await putLayout('brand', { name: 'spotlight', options: { ...options(), pinned: ['bob'] } });
    expect(response.status).toBe(200);
    await expect.poll(() => composite.compositor.tiles()[0]?.subject.identity, { timeout: 1000 }).toBe('bob');
    // Bob's tile now covers (320, 70) and spans ~496 px of row 150 (a grid tile is 308).
    const f = await frameWhere((f) => !near(f.at(320, 70), BACKGROUND));
    const extent = rowExtent(f, 150, BACKGROUND)!;
    expect(extent.last - extent.first + 1).toBeGreaterThan(460);
    expect(extent.last - extent.first + 1).toBeLessThan(530);
    // The logo was not fetched again (same image), the banner is still there.
    expect(near(f.at(40, 300), LOGO)).toBe(true);
    expect(near(f.at(620, 12), BANNER)).toBe(true);
    expect(composite.relays.get('main')!.pid).toBe(relayPid);
    expect(composite.encoder.ffmpeg.pid).toBe(encoderPid);
    expect(composite.relays.get('main')!.info().retries).toBe(0);
    const state = ((await (await server.api('/v1/rooms/brand')).json()) as { room: { egress: EgressState } }).room.egress;
    expect(state.layout).toMatchObject({ name: 'spotlight', options: { pinned: ['bob'] } });
  });

  it('shows an uploaded logo (POST /v1/assets, then logo: {asset}) in its corner, read from disk without HTTP', async () => {
    const composite = server.egress.composites.get('brand')!;
    const relayPid = composite.relays.get('main')!.pid;
    const upload = await fetch(`${server.url}/v1/assets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await server.adminToken()}`, 'content-type': 'image/png' },
      body: new Uint8Array(await makePng(UPLOADED_LOGO, 64)),
    });
    expect(upload.status).toBe(201);
    const { asset } = (await upload.json()) as { asset: { id: string } };
    const fetchesBefore = files.requests.length;
    const logo = { asset: asset.id, position: 'bottom-right', size: 0.15, margin: 16 } as const;
    expect((await putLayout('brand', { name: 'grid', options: { ...options(), logo } })).status).toBe(200);
    // Bottom-right: x 528-623, y 248-343; the old red logo's corner is background again.
    const f = await frameWhere((f) => near(f.at(600, 300), UPLOADED_LOGO) && near(f.at(40, 300), BACKGROUND));
    expect(near(f.at(530, 250), UPLOADED_LOGO)).toBe(true);
    expect(near(f.at(632, 300), BACKGROUND)).toBe(true);
    expect(files.requests.length).toBe(fetchesBefore);
    expect(composite.relays.get('main')!.pid).toBe(relayPid);
  });

  it('changes the banner text and colour live, and goes on without a logo that is not an image', async () => {
    const composite = server.egress.composites.get('brand')!;
    const relayPid = composite.relays.get('main')!.pid;
    const changed = { ...options(), background: '#00a000', logo: { url: files.url('/not-an-image') }, banner: { text: 'Back soon', background: '#ffff00', position: 'bottom' as const } };
    expect((await putLayout('brand', { name: 'grid', options: changed })).status).toBe(200);
    const f = await frameWhere((f) => near(f.at(620, 350), '#ffff00') && near(f.at(320, 70), '#00a000'));
    expect(near(f.at(620, 12), BANNER)).toBe(false);
    // No logo: its corner shows the background (the tile rows end at 266).
    expect(near(f.at(40, 290), '#00a000')).toBe(true);
    await expect.poll(() => server.logs.some((line) => line.includes('layout overlay left out') && line.includes('not a PNG, JPEG or WebP')), { timeout: 5000 }).toBe(true);
    expect(composite.relays.get('main')!.pid).toBe(relayPid);
    expect((await server.api('/v1/rooms/brand/rtmp_broadcasts/stop', { method: 'POST' })).status).toBe(200);
  });
});

import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticPublisher } from '@roomcast/egress';
import type { EgressState } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { findMediaProcesses } from './support/processes.js';
import { waitFor } from './support/ports.js';
import { type RtmpServer, startRtmpServer } from './support/rtmpServer.js';

/** The last picture, raw RGB (`ffmpeg -f rawvideo -pix_fmt rgb24 -s 640x360 -i … out.png` to look at it). */
const ARTIFACTS = 'test-artifacts/demo';
const WIDTH = 640;
const HEIGHT = 360;
/** The sample page's `--brand` colour (apps/demo/layouts/sample.html), which fills its header. */
const BRAND: [number, number, number] = [0xff, 0x5a, 0x36];

/** One decoded 640x360 picture from the destination, as RGB. */
async function grabFrame(url: string): Promise<Buffer> {
  const { stdout } = await promisify(execFile)('ffmpeg', ['-v', 'error', '-rw_timeout', '5000000', '-i', url, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], {
    encoding: 'buffer',
    timeout: 15_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  expect(stdout.length).toBe(WIDTH * HEIGHT * 3);
  return stdout;
}

const pixel = (frame: Buffer, x: number, y: number): [number, number, number] => {
  const i = (y * WIDTH + x) * 3;
  return [frame[i]!, frame[i + 1]!, frame[i + 2]!];
};

/** Spread of brightness in rows y0..y1: a camera's test pattern is far from flat. */
function lumaSpread(frame: Buffer, y0: number, y1: number): number {
  let sum = 0;
  let squares = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const [r, g, b] = pixel(frame, x, y);
      const luma = 0.299 * r + 0.587 * g + 0.114 * b;
      sum += luma;
      squares += luma * luma;
      n++;
    }
  }
  return Math.sqrt(squares / n - (sum / n) ** 2);
}

const near = (a: [number, number, number], b: [number, number, number], tolerance = 28): boolean => a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);

/**
 * The demo's sample custom layout page (apps/demo/layouts/sample.html), served by the server itself
 * (its own origin is allowed by default), as a `web` layout: its branded header and the publisher's
 * camera reach the destination, drawn by the page's hidden recorder.
 */
describe('demo sample layout page as the web layout (real Chromium, nginx-rtmp, FFmpeg)', () => {
  let rtmp: RtmpServer;
  let server: TestServer;
  let publisher: SyntheticPublisher;

  beforeAll(async () => {
    rtmp = await startRtmpServer();
    server = await startTestServer();
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'branded' } });
    publisher = await SyntheticPublisher.start(server.sfu.room('branded'), { identity: 'alice', name: 'Alice' });
  });

  afterAll(async () => {
    await publisher?.stop();
    await server?.close();
    await rtmp?.stop();
  });

  it("streams the page: the brand colour in its header, the publisher's camera in its grid", async () => {
    const page = await server.api('/layouts/sample.html');
    expect(page.status).toBe(200);
    const response = await server.api('/v1/rooms/branded/rtmp_broadcasts', {
      method: 'POST',
      body: { quality: '360p', layout: { name: 'web', options: { url: `${server.url}/layouts/sample.html` } }, broadcasts: [{ name: 'web', stream_url: rtmp.appUrl(), stream_key: 'sample' }] },
    });
    expect(response.status).toBe(201);
    expect(await waitFor(async () => (await rtmp.liveStreams()).includes('sample'), 15_000)).toBe(true);
    // The first pictures may be from before the page painted, or before the camera plays.
    await expect
      .poll(async () => {
        const frame = await grabFrame(rtmp.rtmpUrl('sample'));
        mkdirSync(ARTIFACTS, { recursive: true });
        writeFileSync(join(ARTIFACTS, 'layout-sample.rgb'), frame);
        return near(pixel(frame, WIDTH / 2, 4), BRAND) && lumaSpread(frame, 80, HEIGHT - 40) > 30;
      }, { timeout: 40_000, interval: 1000 })
      .toBe(true);
    const state = ((await (await server.api('/v1/rooms/branded')).json()) as { room: { egress: EgressState; participants: Array<{ identity: string }> } }).room;
    expect(state.egress.rtmps.map((r) => r.status)).toEqual(['live']);
    // The page's recorder is hidden: only the publisher is listed.
    expect(state.participants.map((p) => p.identity)).toEqual(['alice']);

    expect((await server.api('/v1/rooms/branded/rtmp_broadcasts/stop', { method: 'POST' })).status).toBe(200);
    const egressLeft = () => findMediaProcesses({ names: ['chromium', 'ffmpeg'] }).filter((p) => !p.cmdline.includes('roomcast-synthetic'));
    await waitFor(() => egressLeft().length === 0, 5000);
    expect(egressLeft().map((p) => p.cmdline.slice(0, 80))).toEqual([]);
  });
});

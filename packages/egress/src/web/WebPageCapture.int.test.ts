import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { YuvFrame } from '../composite/FrameCanvas.js';
import { WebPageCapture } from './WebPageCapture.js';
import { chromium } from 'playwright-core';
import { WEB_LAYOUT_CRASHED, WEB_LAYOUT_FAILED } from './webLayoutSpec.js';

const MARKER = '#00c8ff';
const WIDTH = 640;
const HEIGHT = 360;

/** A page that paints the marker over the whole viewport, and one that redirects elsewhere. */
function pageServer(): Server {
  return createServer((request, response) => {
    if (request.url === '/outside') {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<!doctype html><img src="http://127.0.0.2:8080/pixel.png"><script>fetch('http://127.0.0.2:8080/x').catch(() => {})</script>`);
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<!doctype html><body style="margin:0;background:${MARKER}"><script>window.roomcast.ready()</script></body>`);
  });
}

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** RGB of the centre pixel of a yuv420p picture (BT.601 limited range, as FFmpeg's scale writes it). */
function centreRgb(frame: YuvFrame): [number, number, number] {
  const { width, height, data } = frame;
  const x = width / 2;
  const y = height / 2;
  const Y = data[y * width + x]! - 16;
  const U = data[width * height + (y / 2) * (width / 2) + x / 2]! - 128;
  const V = data[width * height * 1.25 + (y / 2) * (width / 2) + x / 2]! - 128;
  const clamp = (n: number): number => Math.max(0, Math.min(255, Math.round(n)));
  return [clamp(1.164 * Y + 1.596 * V), clamp(1.164 * Y - 0.392 * U - 0.813 * V), clamp(1.164 * Y + 2.017 * U)];
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const pageApi = { room: 'r', token: 't', serverUrl: 'http://127.0.0.1:1' };

describe('WebPageCapture', () => {
  const pages = pageServer();
  const silentSockets = new Set<Socket>();
  const silent = createTcpServer((socket) => silentSockets.add(socket));
  let origin = '';
  let silentOrigin = '';

  beforeAll(async () => {
    origin = await listen(pages);
    silentOrigin = await listen(silent);
  });
  afterAll(async () => {
    for (const socket of silentSockets) socket.destroy();
    await new Promise((resolve) => pages.close(resolve));
    await new Promise((resolve) => silent.close(resolve));
  });

  it('renders the page into yuv pictures of the composite size, and leaves no Chromium or profile at stop', async () => {
    const source = await WebPageCapture.start({ url: `${origin}/`, width: WIDTH, height: HEIGHT, origins: new Set([origin]), loadTimeoutMs: 10_000, frameIntervalMs: 33, pageApi });
    const failures: string[] = [];
    source.on('failed', (reason) => failures.push(reason));
    try {
      await expect.poll(() => source.frames, { timeout: 15_000 }).toBeGreaterThan(0);
      await expect.poll(() => source.latest, { timeout: 5_000 }).toBeDefined();
      const [r, g, b] = centreRgb(source.latest!);
      expect(Math.abs(r - 0x00)).toBeLessThan(24);
      expect(Math.abs(g - 0xc8)).toBeLessThan(24);
      expect(Math.abs(b - 0xff)).toBeLessThan(24);
      expect(failures).toEqual([]);
    } finally {
      await source.stop();
    }
    expect(alive(source.page.pid)).toBe(false);
    expect(existsSync(source.page.chromiumProcess.profileDir)).toBe(false);
  });

  it('fails with the reason when the page never answers, within its timeout', async () => {
    const source = await WebPageCapture.start({ url: `${silentOrigin}/`, width: WIDTH, height: HEIGHT, origins: new Set([silentOrigin]), loadTimeoutMs: 1500, frameIntervalMs: 33, pageApi });
    try {
      const reason = await new Promise<string>((resolve) => source.once('failed', resolve));
      expect(reason).toBe(`${WEB_LAYOUT_FAILED}: no answer within 1500 ms`);
    } finally {
      await source.stop();
    }
    expect(alive(source.page.pid)).toBe(false);
  });

  it('refuses what the page asks of an origin that is not allowed', async () => {
    const source = await WebPageCapture.start({ url: `${origin}/outside`, width: WIDTH, height: HEIGHT, origins: new Set([origin]), loadTimeoutMs: 5000, frameIntervalMs: 33, pageApi });
    try {
      await expect.poll(() => source.page.blocked, { timeout: 10_000 }).toBe(2);
    } finally {
      await source.stop();
    }
  });

  it('fails with the reason when the page crashes', async () => {
    const source = await WebPageCapture.start({ url: `${origin}/`, width: WIDTH, height: HEIGHT, origins: new Set([origin]), loadTimeoutMs: 10_000, frameIntervalMs: 33, pageApi });
    const failed = new Promise<string>((resolve) => source.once('failed', resolve));
    // A second DevTools client crashes the renderer, as a page that runs out of memory would.
    const observer = await chromium.connectOverCDP(source.page.chromiumProcess.devtoolsUrl);
    try {
      await expect.poll(() => source.frames, { timeout: 15_000 }).toBeGreaterThan(0);
      const page = observer.contexts()[0]!.pages()[0]!;
      const cdp = await page.context().newCDPSession(page);
      void cdp.send('Page.crash').catch(() => undefined);
      expect(await failed).toBe(WEB_LAYOUT_CRASHED);
    } finally {
      await observer.close().catch(() => undefined);
      await source.stop();
    }
    expect(alive(source.page.pid)).toBe(false);
  });
});

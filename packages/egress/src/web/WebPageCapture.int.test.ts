import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { YuvFrame } from '../composite/FrameCanvas.js';
import { PAGE_CAPTURES, startPageCapture } from './pageCapture.js';
import { chromium } from 'playwright-core';
import { WEB_LAYOUT_CRASHED, WEB_LAYOUT_FAILED } from './webLayoutSpec.js';

const MARKER = '#00c8ff';
const WIDTH = 640;
const HEIGHT = 360;

/**
 * A page that paints the marker over the whole viewport, one that asks another origin directly,
 * and redirects (302) to `redirectTo()`'s origin: of the navigation itself (/hop) and of what a page
 * loads (/r/*, from /redirects, which then asks for /done once every one of them has settled).
 */
function pageServer(redirectTo: () => string, seen: string[] = []): Server {
  return createServer((request, response) => {
    seen.push(request.url ?? '');
    if (request.url === '/hop' || request.url?.startsWith('/r/')) {
      response.writeHead(302, { location: `${redirectTo()}${request.url}` });
      response.end();
      return;
    }
    if (request.url === '/redirects') {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end(`<!doctype html><body><script>
        const settled = (make) => new Promise((resolve) => { const el = make(); el.onload = el.onerror = resolve; document.body.appendChild(el); });
        Promise.all([
          settled(() => Object.assign(document.createElement('img'), { src: '/r/img' })),
          settled(() => Object.assign(document.createElement('script'), { src: '/r/script' })),
          fetch('/r/fetch').catch(() => undefined),
        ]).then(() => fetch('/done'));
      </script>`);
      return;
    }
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

/** The local addresses a TCP port is listened on (from /proc/net/tcp and tcp6: state 0A is LISTEN). */
function listeningAddresses(port: number): string[] {
  const addresses: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(1) : [];
    for (const line of lines) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [hex, portHex] = (local ?? '').split(':');
      if (state !== '0A' || Number.parseInt(portHex ?? '', 16) !== port || !hex) continue;
      addresses.push(hex.length === 8 ? hex.match(/../g)!.reverse().map((b) => Number.parseInt(b, 16)).join('.') : `[${hex}]`);
    }
  }
  return addresses;
}

// Both captures (WEB_LAYOUT_CAPTURE) load, confine and watch the page the same way: every case runs on each.
describe.each(PAGE_CAPTURES)('page capture: %s', (kind) => {
  const served: string[] = [];
  /** What the origin that is not allowed was asked: must stay empty. */
  const outsiderHits: string[] = [];
  let outsiderOrigin = '';
  const pages = pageServer(() => outsiderOrigin, served);
  const outsider = createServer((request, response) => {
    outsiderHits.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'text/html', 'access-control-allow-origin': '*' });
    response.end('<!doctype html><body style="background:#ff0000">outside</body>');
  });
  const silentSockets = new Set<Socket>();
  const silent = createTcpServer((socket) => silentSockets.add(socket));
  let origin = '';
  let silentOrigin = '';

  beforeAll(async () => {
    origin = await listen(pages);
    silentOrigin = await listen(silent);
    outsiderOrigin = await listen(outsider);
  });
  afterAll(async () => {
    for (const socket of silentSockets) socket.destroy();
    await new Promise((resolve) => pages.close(resolve));
    await new Promise((resolve) => silent.close(resolve));
    await new Promise((resolve) => outsider.close(resolve));
  });

  it('renders the page into yuv pictures of the composite size, and leaves no Chromium or profile at stop', async () => {
    const source = await startPageCapture(kind, { url: `${origin}/`, width: WIDTH, height: HEIGHT, origins: new Set([origin]), loadTimeoutMs: 10_000, frameIntervalMs: 33, pageApi });
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
    const source = await startPageCapture(kind, { url: `${silentOrigin}/`, width: WIDTH, height: HEIGHT, origins: new Set([silentOrigin]), loadTimeoutMs: 1500, frameIntervalMs: 33, pageApi });
    try {
      const reason = await new Promise<string>((resolve) => source.once('failed', resolve));
      expect(reason).toBe(`${WEB_LAYOUT_FAILED}: no answer within 1500 ms`);
    } finally {
      await source.stop();
    }
    expect(alive(source.page.pid)).toBe(false);
  });

  it('refuses what the page asks of an origin that is not allowed', async () => {
    const source = await startPageCapture(kind, { url: `${origin}/outside`, width: WIDTH, height: HEIGHT, origins: new Set([origin]), loadTimeoutMs: 5000, frameIntervalMs: 33, pageApi });
    try {
      await expect.poll(() => source.page.blocked, { timeout: 10_000 }).toBe(2);
    } finally {
      await source.stop();
    }
  });

  it('follows no redirect of the page itself to an origin that is not allowed: the load fails, that origin is never asked', async () => {
    const source = await startPageCapture(kind, { url: `${origin}/hop`, width: WIDTH, height: HEIGHT, origins: new Set([origin]), loadTimeoutMs: 10_000, frameIntervalMs: 33, pageApi });
    try {
      const reason = await new Promise<string>((resolve) => source.once('failed', resolve));
      expect(reason).toBe(`${WEB_LAYOUT_FAILED}: net::ERR_BLOCKED_BY_CLIENT`);
      expect(served).toContain('/hop');
      expect(outsiderHits).toEqual([]);
      // DevTools, which Playwright drives the browser over, listens on loopback only.
      expect(new URL(source.page.chromiumProcess.devtoolsUrl).hostname).toBe('127.0.0.1');
      expect(listeningAddresses(Number(new URL(source.page.chromiumProcess.devtoolsUrl).port))).toEqual(['127.0.0.1']);
    } finally {
      await source.stop();
    }
  });

  it('follows no redirect of what the page loads (image, script, fetch) to an origin that is not allowed', async () => {
    const source = await startPageCapture(kind, { url: `${origin}/redirects`, width: WIDTH, height: HEIGHT, origins: new Set([origin]), loadTimeoutMs: 10_000, frameIntervalMs: 33, pageApi });
    try {
      // /done comes once the image, the script and the fetch have each settled: every hop was decided.
      await expect.poll(() => served.includes('/done'), { timeout: 15_000 }).toBe(true);
      for (const path of ['/r/img', '/r/script', '/r/fetch']) expect(served).toContain(path);
      expect(outsiderHits).toEqual([]);
      expect(source.page.blocked).toBeGreaterThanOrEqual(3);
    } finally {
      await source.stop();
    }
  });

  it('fails with the reason when the page crashes', async () => {
    const source = await startPageCapture(kind, { url: `${origin}/`, width: WIDTH, height: HEIGHT, origins: new Set([origin]), loadTimeoutMs: 10_000, frameIntervalMs: 33, pageApi });
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

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { YuvFrame } from '../composite/FrameCanvas.js';
import { ffmpegPath } from '../ffmpeg/ffmpegPath.js';
import { X11PageCapture } from './X11PageCapture.js';

const WIDTH = 640;
const HEIGHT = 360;
const pageApi = { room: 'r', token: 't', serverUrl: 'http://127.0.0.1:1' };

/** A page painted all over in one colour, still. */
const pages = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/html' });
  response.end('<!doctype html><body style="margin:0;background:#00c8ff"></body>');
});

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Every process whose parent chain leads to `root` (from /proc): Chromium's helpers, FFmpeg, Xvfb. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(name), ppid);
    } catch {
      // Gone meanwhile.
    }
  }
  return [...parents.keys()].filter((pid) => {
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === root) return true;
    return false;
  });
}

/** Y of the centre pixel: the marker #00c8ff is Y ≈ 148 in BT.601 limited range. */
const centreLuma = (frame: YuvFrame): number => frame.data[(frame.height / 2) * frame.width + frame.width / 2]!;

/** What must be gone once a capture has stopped: its processes, Xvfb's lock and socket, the cookie, the profile. */
function expectNothingLeft(capture: X11PageCapture, before: number[]): void {
  const number = capture.xvfb.display.slice(1);
  expect(alive(capture.xvfb.pid)).toBe(false);
  expect(alive(capture.page.pid)).toBe(false);
  // (The grab, running or paused, is one of the descendants checked next.)
  expect(descendants(process.pid).filter((pid) => !before.includes(pid))).toEqual([]);
  expect(existsSync(`/tmp/.X${number}-lock`)).toBe(false);
  expect(existsSync(`/tmp/.X11-unix/X${number}`)).toBe(false);
  expect(existsSync(capture.xvfb.xauthority)).toBe(false);
  expect(existsSync(capture.page.chromiumProcess.profileDir)).toBe(false);
}

describe('X11PageCapture', () => {
  let origin = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => pages.close(resolve)));

  const start = (): Promise<X11PageCapture> =>
    X11PageCapture.start({ url: `${origin}/`, width: WIDTH, height: HEIGHT, origins: new Set([origin]), loadTimeoutMs: 10_000, frameIntervalMs: 1000 / 30, pageApi });

  /** Runs `check` on a capture once it shows the marker page, then stops it: nothing failed, nothing left. */
  async function withShowingCapture(check: (capture: X11PageCapture) => Promise<void>): Promise<void> {
    const before = descendants(process.pid);
    const capture = await start();
    const failures: string[] = [];
    capture.once('failed', (reason) => failures.push(reason));
    try {
      await expect.poll(() => capture.latest && Math.abs(centreLuma(capture.latest) - 148) < 12, { timeout: 15_000 }).toBe(true);
      await check(capture);
      expect(failures).toEqual([]);
    } finally {
      await capture.stop();
    }
    expectNothingLeft(capture, before);
  }

  it('grabs the page from its own display as yuv pictures, keeps one picture while the page is still, and leaves nothing at stop', () =>
    withShowingCapture(async (capture) => {
      // Only a client with the display's cookie may connect (and read the page): one without is refused.
      expect(capture.xvfb.display).toMatch(/^:\d+$/);
      const grabArgs = ['-hide_banner', '-f', 'x11grab', '-video_size', '64x64', '-i', capture.xvfb.display, '-frames:v', '1', '-f', 'null', '-'];
      const withCookie = spawnSync(ffmpegPath(), grabArgs, { env: { ...process.env, XAUTHORITY: capture.xvfb.xauthority }, timeout: 10_000 });
      const without = spawnSync(ffmpegPath(), grabArgs, { env: { ...process.env, XAUTHORITY: '/nonexistent' }, timeout: 10_000 });
      expect(withCookie.status).toBe(0);
      expect(without.status).not.toBe(0);
      expect(without.stderr.toString()).toMatch(/Authorization required|Cannot open display|Input\/output error/i);
      const still = capture.latest;
      const grabbed = capture.frames;
      await expect.poll(() => capture.frames, { timeout: 5_000 }).toBeGreaterThan(grabbed + 10);
      expect(capture.latest).toBe(still);
    }));

  it('pauses its grab while nobody reads a picture (the encoders grab the display themselves), and grabs again at the next read', () =>
    withShowingCapture(async (capture) => {
      expect(capture.display).toEqual({ kind: 'display', display: capture.xvfb.display, xauthority: capture.xvfb.xauthority });
      const grabber = capture.grabber!;
      await expect.poll(() => capture.grabber, { timeout: 5_000 }).toBeUndefined();
      await expect.poll(() => alive(grabber.pid), { timeout: 3_000 }).toBe(false);
      const paused = capture.frames;
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(capture.frames).toBe(paused);
      // A read starts a new grab; nothing stale is handed out meanwhile, then new pictures of the page.
      expect(capture.latest).toBeUndefined();
      await expect.poll(() => capture.latest, { timeout: 10_000 }).toBeDefined();
      await expect.poll(() => (capture.latest, capture.frames), { timeout: 10_000 }).toBeGreaterThan(paused + 5);
      expect(capture.grabber?.pid).not.toBe(grabber.pid);
      expect(Math.abs(centreLuma(capture.latest!) - 148)).toBeLessThan(12);
    }));

  it('fails with a reason when its display dies, and stop still leaves nothing', async () => {
    const before = descendants(process.pid);
    const capture = await start();
    try {
      await expect.poll(() => capture.frames, { timeout: 15_000 }).toBeGreaterThan(0);
      const failed = new Promise<string>((resolve) => capture.once('failed', resolve));
      process.kill(capture.xvfb.pid!, 'SIGKILL');
      expect(await failed).toMatch(/layout (browser|page's (display|capture))/);
    } finally {
      await capture.stop();
    }
    expect(alive(capture.xvfb.pid)).toBe(false);
    expect(alive(capture.page.pid)).toBe(false);
    expect(descendants(process.pid).filter((pid) => !before.includes(pid))).toEqual([]);
    expect(existsSync(capture.xvfb.xauthority)).toBe(false);
  });

  it('fails with a reason when its grab dies, and stop leaves nothing', async () => {
    const before = descendants(process.pid);
    const capture = await start();
    try {
      // Read, so the grab runs (it pauses when nobody reads).
      await expect.poll(() => capture.latest, { timeout: 15_000 }).toBeDefined();
      const failed = new Promise<string>((resolve) => capture.once('failed', resolve));
      process.kill(capture.grabber!.pid!, 'SIGKILL');
      expect(await failed).toMatch(/^the layout page's capture exited/);
    } finally {
      await capture.stop();
    }
    expectNothingLeft(capture, before);
  });

  it('fails with a reason when its browser dies, and stop leaves nothing', async () => {
    const before = descendants(process.pid);
    const capture = await start();
    try {
      await expect.poll(() => capture.frames, { timeout: 15_000 }).toBeGreaterThan(0);
      const failed = new Promise<string>((resolve) => capture.once('failed', resolve));
      process.kill(-capture.page.pid!, 'SIGKILL');
      expect(await failed).toBe('the layout browser exited');
    } finally {
      await capture.stop();
    }
    expectNothingLeft(capture, before);
  });
});

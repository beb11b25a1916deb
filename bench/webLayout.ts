/**
 * The web layout's whole egress against a headless-browser compositor (Chromium under Xvfb,
 * x11grab, x264: Jibri's way), rendering the same page at 360p30 into the same nginx-rtmp, one
 * after the other in one run: an animated page, a still page, and the built-in grid page with two
 * synthetic publishers (the meeting recorder case: both browsers receive the same participants
 * over WebRTC). Not a test: nothing asserts on timing.
 * Run: pnpm -s bench:web-layout   (stdout is the JSON; a copy goes to bench/results/).
 * BENCH_PAGES=animated,static,grid picks the pages (all by default); BENCH_CAPTURES=x11grab,screencast
 * the web layout's captures (WEB_LAYOUT_CAPTURE), each on its own server, in that order (all by default).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { qualityPreset, SyntheticPublisher } from '@roomcast/egress';
import { startTestServer } from '../apps/server/src/testServer.js';
import { startRtmpServer } from '../test/support/rtmpServer.js';
import { machineInfo } from './machine.js';
import { ProcWindow, sampleDescendants, sampleProcess, type ProcSample } from './procstat.js';
import { saveResult } from './results.js';

const env = process.env;
const config = {
  quality: '360p' as const,
  warmup_s: Number(env.BENCH_WARMUP_S ?? 8),
  window_s: Number(env.BENCH_WINDOW_S ?? 20),
  x264_preset: 'veryfast',
  pages: {
    animated: 'a block sliding across the page and a counter redrawn every animation frame: the worst case, everything repaints 60 times a second',
    static: 'a branded page whose only change is a clock ticking once a second: an overlay or slate',
    grid: 'the built-in grid page (`web` without a url) with 2 synthetic publishers (640x360@30 VP8 + Opus): both browsers join as a viewer and decode both over WebRTC; the headless-browser compositor is then a Jibri-like recorder (its audio is silence, where Jibri would capture the page\'s: that favours it)',
  },
  publishers: 2,
  publisher_video: { width: 640, height: 360, fps: 30 },
};
const PAGES = (env.BENCH_PAGES ?? Object.keys(config.pages).join(',')).split(',') as Array<keyof typeof config.pages>;
const CAPTURES = (env.BENCH_CAPTURES ?? 'x11grab,screencast').split(',') as Capture[];
type Capture = 'x11grab' | 'screencast';
const WEB_LAYOUT_WHAT: Record<Capture, string> = {
  x11grab: 'Chromium (kiosk) under its own Xvfb + FFmpeg x11grab to raw yuv420p + compositor (+ room audio mix) + x264 + RTMP relay',
  screencast: 'headless Chromium (CDP screencast JPEGs) + FFmpeg JPEG decode + compositor (+ room audio mix) + x264 + RTMP relay',
};
const preset = qualityPreset(config.quality);
const ROOM = 'bench-web';
const r3 = (n: number): number => Math.round(n * 1000) / 1000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const STATIC_PAGE = `<!doctype html><html><body style="margin:0;background:#00c8ff;font:48px sans-serif;color:#fff">
<h1 style="margin:40px">Roomcast live</h1><div id="t" style="margin:40px"></div>
<script>setInterval(()=>{document.getElementById('t').textContent=new Date().toISOString().slice(11,19)},1000)</script></body></html>`;

const ANIMATED_PAGE = `<!doctype html><html><body style="margin:0;background:#00c8ff;overflow:hidden;font:64px sans-serif;color:#fff">
<div id="box" style="position:absolute;top:120px;width:120px;height:120px;background:#ff3060"></div><div id="n" style="position:absolute;left:20px;top:10px"></div>
<script>let i=0;function f(t){i++;document.getElementById('n').textContent=i;document.getElementById('box').style.left=((t/8)%${preset.width})+'px';requestAnimationFrame(f)}requestAnimationFrame(f);window.roomcast&&window.roomcast.ready()</script></body></html>`;

type Kind =
  | 'node' | 'chromium-browser' | 'chromium-renderer' | 'chromium-gpu' | 'chromium-other' | 'xvfb'
  | 'ffmpeg-encoder' | 'ffmpeg-jpeg-decoder' | 'ffmpeg-audio-decoder' | 'ffmpeg-relay' | 'ffmpeg-x11grab-x264' | 'ffmpeg-x11grab' | 'ffmpeg-other'
  | 'publisher' | 'sfu_worker' | 'nginx' | 'other';
const KINDS: Kind[] = ['node', 'chromium-browser', 'chromium-renderer', 'chromium-gpu', 'chromium-other', 'xvfb',
  'ffmpeg-encoder', 'ffmpeg-jpeg-decoder', 'ffmpeg-audio-decoder', 'ffmpeg-relay', 'ffmpeg-x11grab-x264', 'ffmpeg-x11grab', 'ffmpeg-other', 'other'];
/** The same for both sides and not the egress (remote participants, the SFU, the destination): shown, not counted. */
const NOT_COUNTED: Kind[] = ['publisher', 'sfu_worker', 'nginx'];
function kindOf(s: ProcSample): Kind {
  if (s.pid === process.pid) return 'node';
  const c = ` ${s.cmdline} `;
  if (c.includes('mediasoup-worker')) return 'sfu_worker';
  if (/nginx/.test(s.cmdline)) return 'nginx';
  if (c.includes('roomcast-synthetic-')) return 'publisher';
  if (/chromium/.test(s.cmdline)) {
    const type = /--type=([a-z-]+)/.exec(s.cmdline)?.[1];
    return type === undefined ? 'chromium-browser' : type === 'renderer' ? 'chromium-renderer' : type === 'gpu-process' ? 'chromium-gpu' : 'chromium-other';
  }
  if (/^\S*Xvfb/.test(s.cmdline)) return 'xvfb';
  if (/^\S*ffmpeg/.test(s.cmdline)) {
    if (c.includes(' x11grab ')) return c.includes(' libx264 ') ? 'ffmpeg-x11grab-x264' : 'ffmpeg-x11grab';
    if (c.includes(' libx264 ')) return 'ffmpeg-encoder';
    if (c.includes(' image2pipe ')) return 'ffmpeg-jpeg-decoder';
    if (c.includes(' -f sdp ')) return 'ffmpeg-audio-decoder';
    if (c.includes(' -c copy ')) return 'ffmpeg-relay';
    return 'ffmpeg-other';
  }
  return 'other';
}

const collect = (): ProcSample[] => [...sampleDescendants(process.pid), sampleProcess(process.pid)!];

/**
 * CPU cores of every process of ours over one window: this Node process included; the destination
 * (nginx), the synthetic publishers and the mediasoup worker excluded (`not_counted`).
 */
async function measure(): Promise<{ cores: number; by_kind: Record<string, number>; not_counted: Record<string, number> }> {
  const window = new ProcWindow();
  window.start(collect());
  const until = performance.now() + config.window_s * 1000;
  while (performance.now() < until) {
    await sleep(500);
    window.tick(collect());
  }
  window.stop(collect());
  const by_kind: Record<string, number> = {};
  for (const kind of KINDS) {
    const cores = window.cores((s) => kindOf(s) === kind);
    if (cores > 0) by_kind[kind] = r3(cores);
  }
  const not_counted: Record<string, number> = {};
  for (const kind of NOT_COUNTED) {
    const cores = window.cores((s) => kindOf(s) === kind);
    if (cores > 0) not_counted[kind] = r3(cores);
  }
  return { cores: r3(window.cores((s) => !NOT_COUNTED.includes(kindOf(s)))), by_kind, not_counted };
}

/** What the grid page needs before its scripts run (the egress gives it the same): see WebLayoutPage's `window.roomcast`. */
interface PageApi {
  room: string;
  serverUrl: string;
  token: string;
}

interface Baseline {
  children: ChildProcess[];
  browser?: Browser;
}

/**
 * Chromium in kiosk mode on an Xvfb display, grabbed with x11grab and encoded like the composite
 * (x264 veryfast, one thread, AAC). With `pageApi` it is driven like Jibri drives its Chrome: over
 * the DevTools protocol (Playwright here), which gives the page `window.roomcast` and opens it.
 */
async function headlessBrowserCompositor(url: string, rtmpUrl: string, pageApi?: PageApi): Promise<Baseline> {
  const profile = mkdtempSync(join(tmpdir(), 'bench-web-layout-'));
  // Xvfb picks a free display and says which on fd 3 (no clash with a web layout's own Xvfb).
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', `${preset.width}x${preset.height}x24`, '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  const display = await new Promise<string>((resolve, reject) => {
    let text = '';
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.endsWith('\n')) resolve(`:${text.trim()}`);
    });
    xvfb.once('exit', () => reject(new Error('baseline Xvfb exited at start')));
  });
  const chromium = spawn(
    env.CHROMIUM_PATH ?? 'chromium',
    ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--mute-audio', `--user-data-dir=${profile}`,
      '--kiosk', `--window-size=${preset.width},${preset.height}`, '--window-position=0,0',
      ...(pageApi ? ['--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', '--autoplay-policy=no-user-gesture-required',
        '--force-webrtc-ip-handling-policy=default_public_and_private_interfaces', 'about:blank'] : [url])],
    { stdio: ['ignore', 'ignore', 'pipe'], env: { ...env, DISPLAY: display }, detached: true },
  );
  chromium.once('exit', () => rmSync(profile, { recursive: true, force: true }));
  const baseline: Baseline = { children: [chromium, xvfb] };
  if (pageApi) baseline.browser = await openWithApi(chromium, url, pageApi);
  else chromium.stderr!.resume();
  await sleep(3000);
  const kbps = preset.videoKbps;
  const ffmpeg = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'x11grab', '-video_size', `${preset.width}x${preset.height}`, '-framerate', String(preset.fps), '-i', display,
    '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo',
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-threads', '1', '-profile:v', 'high', '-pix_fmt', 'yuv420p',
    '-g', String(preset.fps * 2), '-keyint_min', String(preset.fps * 2), '-sc_threshold', '0', '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps * 2}k`,
    '-c:a', 'aac', '-aac_coder', 'fast', '-b:a', '128k', '-f', 'flv', rtmpUrl,
  ], { stdio: 'ignore' });
  baseline.children.unshift(ffmpeg);
  return baseline;
}

/** Connects to the kiosk Chromium's DevTools, gives its page `window.roomcast` and opens `url` in it. */
async function openWithApi(child: ChildProcess, url: string, api: PageApi): Promise<Browser> {
  const wsUrl = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('baseline chromium gave no DevTools URL')), 15_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  const browser = await chromium.connectOverCDP(wsUrl, { timeout: 15_000 });
  const page = browser.contexts()[0]!.pages()[0] ?? (await browser.contexts()[0]!.newPage());
  await page.addInitScript((a: PageApi) => {
    (globalThis as unknown as { roomcast: unknown }).roomcast = { ...a, ready: () => undefined, end: () => undefined };
  }, api);
  await page.goto(url, { waitUntil: 'load' });
  return browser;
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    // Xvfb on SIGTERM removes its lock file and socket; Chromium goes with its whole process group.
    if (child.pid) process.kill(child.spawnargs.includes('--kiosk') ? -child.pid : child.pid, child.spawnfile === 'Xvfb' ? 'SIGTERM' : 'SIGKILL');
  } catch {
    // gone
  }
  return exited;
}

/** One page: the web layout, then the headless-browser compositor, each measured over one window. */
async function compare(pageUrl: string | undefined, name: string, capture: Capture, server: TestServerLike, rtmp: RtmpLike): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const layout = pageUrl === undefined ? 'web' : { name: 'web', options: { url: pageUrl } };
  const started = await server.api(`/v1/rooms/${ROOM}/rtmp_broadcasts`, {
    method: 'POST',
    body: { quality: config.quality, layout, broadcasts: [{ name: 'web', stream_url: rtmp.appUrl(), stream_key: `web-${name}` }] },
  });
  if (started.status !== 201) throw new Error(`broadcast refused: ${started.status} ${await started.text()}`);
  await sleep(config.warmup_s * 1000);
  out.web_layout = { what: WEB_LAYOUT_WHAT[capture], live: (await rtmp.liveStreams()).includes(`web-${name}`), ...(await measure()) };
  await server.api(`/v1/rooms/${ROOM}/rtmp_broadcasts/stop`, { method: 'POST' });
  await sleep(2000);
  const url = pageUrl ?? new URL('/layouts/grid.html', server.url).href;
  const pageApi = pageUrl === undefined ? { room: ROOM, serverUrl: server.url, token: await server.participantToken(ROOM, `baseline-recorder-${name}`, 'viewer') } : undefined;
  const baseline = await headlessBrowserCompositor(url, rtmp.rtmpUrl(`baseline-${name}`), pageApi);
  try {
    await sleep(config.warmup_s * 1000);
    out.headless_browser_compositor = { what: 'Chromium (kiosk) under Xvfb + x11grab + x264 + RTMP', live: (await rtmp.liveStreams()).includes(`baseline-${name}`), ...(await measure()) };
  } finally {
    await Promise.race([baseline.browser?.close().catch(() => undefined), sleep(1000)]);
    for (const child of baseline.children) await kill(child);
  }
  out.web_layout_over_baseline = r3((out.web_layout as { cores: number }).cores / (out.headless_browser_compositor as { cores: number }).cores);
  return out;
}

/** Every page with one capture of the web layout, on a server of its own (WEB_LAYOUT_CAPTURE is read at start). */
async function benchCapture(capture: Capture, pageOrigin: string, rtmp: RtmpLike): Promise<Record<string, unknown>> {
  const server = await startTestServer({ WEB_LAYOUT_ORIGINS: pageOrigin, WEB_LAYOUT_CAPTURE: capture });
  const publishers: SyntheticPublisher[] = [];
  const result: Record<string, unknown> = { loadavg_1m_at_start: loadavg()[0] };
  try {
    await server.api('/v1/rooms', { method: 'POST', body: { name: ROOM } });
    result.idle = await measure();
    for (const page of PAGES) {
      const name = `${capture}-${page}`;
      if (page !== 'grid') {
        result[page] = await compare(`${pageOrigin}/${page}.html`, name, capture, server, rtmp);
        continue;
      }
      const room = server.sfu.room(ROOM);
      for (let i = 0; i < config.publishers; i++) {
        publishers.push(await SyntheticPublisher.start(room, { identity: `pub-${i + 1}`, name: `Publisher ${i + 1}`, video: config.publisher_video }));
      }
      result[page] = await compare(undefined, name, capture, server, rtmp);
    }
  } finally {
    await Promise.all(publishers.splice(0).map((p) => p.stop()));
    await server.close();
  }
  return result;
}

type TestServerLike = Awaited<ReturnType<typeof startTestServer>>;
type RtmpLike = Awaited<ReturnType<typeof startRtmpServer>>;

test('web layout vs headless-browser compositor', async () => {
  const pages = createServer((request, response) =>
    response.writeHead(200, { 'content-type': 'text/html' }).end(request.url === '/static.html' ? STATIC_PAGE : ANIMATED_PAGE),
  );
  await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
  const pageOrigin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
  const rtmp = await startRtmpServer();
  const result: Record<string, unknown> = { bench: 'web-layout', machine: machineInfo(), config: { ...config, captures: CAPTURES }, started_at: new Date().toISOString() };
  try {
    for (const capture of CAPTURES) result[capture] = await benchCapture(capture, pageOrigin, rtmp);
  } finally {
    await rtmp.stop();
    await new Promise((resolve) => pages.close(resolve));
  }
  saveResult('web-layout', result);
});

/**
 * The web layout's whole egress against a headless-browser compositor (Chromium under Xvfb,
 * x11grab, x264: Jibri's way), rendering the same animated page at 360p30 into the same
 * nginx-rtmp, one after the other in one run. Not a test: nothing asserts on timing.
 * Run: pnpm -s bench:web-layout   (stdout is the JSON; a copy goes to bench/results/).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'vitest';
import { qualityPreset } from '@roomcast/egress';
import { startTestServer } from '../apps/server/src/testServer.js';
import { startRtmpServer } from '../test/support/rtmpServer.js';
import { machineInfo } from './machine.js';
import { ProcWindow, sampleDescendants, sampleProcess, type ProcSample } from './procstat.js';

const env = process.env;
const config = {
  quality: '360p' as const,
  warmup_s: Number(env.BENCH_WARMUP_S ?? 8),
  window_s: Number(env.BENCH_WINDOW_S ?? 20),
  x264_preset: 'veryfast',
  pages: {
    animated: 'a block sliding across the page and a counter redrawn every animation frame: the worst case, everything repaints 60 times a second',
    static: 'a branded page whose only change is a clock ticking once a second: an overlay or slate',
  },
};
const preset = qualityPreset(config.quality);
const r3 = (n: number): number => Math.round(n * 1000) / 1000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const STATIC_PAGE = `<!doctype html><html><body style="margin:0;background:#00c8ff;font:48px sans-serif;color:#fff">
<h1 style="margin:40px">Roomcast live</h1><div id="t" style="margin:40px"></div>
<script>setInterval(()=>{document.getElementById('t').textContent=new Date().toISOString().slice(11,19)},1000)</script></body></html>`;

const ANIMATED_PAGE = `<!doctype html><html><body style="margin:0;background:#00c8ff;overflow:hidden;font:64px sans-serif;color:#fff">
<div id="box" style="position:absolute;top:120px;width:120px;height:120px;background:#ff3060"></div><div id="n" style="position:absolute;left:20px;top:10px"></div>
<script>let i=0;function f(t){i++;document.getElementById('n').textContent=i;document.getElementById('box').style.left=((t/8)%${preset.width})+'px';requestAnimationFrame(f)}requestAnimationFrame(f);window.roomcast&&window.roomcast.ready()</script></body></html>`;

type Kind = 'chromium-browser' | 'chromium-renderer' | 'chromium-gpu' | 'chromium-other' | 'xvfb' | 'ffmpeg' | 'node' | 'nginx' | 'other';
const KINDS: Kind[] = ['node', 'chromium-browser', 'chromium-renderer', 'chromium-gpu', 'chromium-other', 'ffmpeg', 'xvfb', 'other'];
function kindOf(s: ProcSample): Kind {
  if (s.pid === process.pid) return 'node';
  if (/chromium/.test(s.cmdline)) {
    const type = /--type=([a-z-]+)/.exec(s.cmdline)?.[1];
    return type === undefined ? 'chromium-browser' : type === 'renderer' ? 'chromium-renderer' : type === 'gpu-process' ? 'chromium-gpu' : 'chromium-other';
  }
  if (/^\S*Xvfb/.test(s.cmdline)) return 'xvfb';
  if (/^\S*ffmpeg/.test(s.cmdline)) return 'ffmpeg';
  if (/nginx/.test(s.cmdline)) return 'nginx';
  return 'other';
}

const collect = (): ProcSample[] => [...sampleDescendants(process.pid), sampleProcess(process.pid)!];

/** CPU cores of every process of ours (this Node process included, nginx excluded: the destination is the same for both) over one window. */
async function measure(): Promise<{ cores: number; by_kind: Record<string, number> }> {
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
  return { cores: r3(window.cores((s) => kindOf(s) !== 'nginx')), by_kind };
}

/** Chromium in kiosk mode on an Xvfb display, grabbed with x11grab and encoded like the composite (x264 veryfast, AAC). */
async function headlessBrowserCompositor(url: string, rtmpUrl: string): Promise<ChildProcess[]> {
  const display = `:${90 + (process.pid % 9)}`;
  const profile = mkdtempSync(join(tmpdir(), 'bench-web-layout-'));
  const xvfb = spawn('Xvfb', [display, '-screen', '0', `${preset.width}x${preset.height}x24`, '-nolisten', 'tcp'], { stdio: 'ignore' });
  await sleep(1000);
  const chromium = spawn(
    env.CHROMIUM_PATH ?? 'chromium',
    ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--mute-audio', `--user-data-dir=${profile}`,
      '--kiosk', `--window-size=${preset.width},${preset.height}`, '--window-position=0,0', url],
    { stdio: 'ignore', env: { ...env, DISPLAY: display }, detached: true },
  );
  chromium.once('exit', () => rmSync(profile, { recursive: true, force: true }));
  await sleep(3000);
  const kbps = preset.videoKbps;
  const ffmpeg = spawn('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-f', 'x11grab', '-video_size', `${preset.width}x${preset.height}`, '-framerate', String(preset.fps), '-i', display,
    '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo',
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-threads', '1', '-profile:v', 'high', '-pix_fmt', 'yuv420p',
    '-g', String(preset.fps * 2), '-keyint_min', String(preset.fps * 2), '-sc_threshold', '0', '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps * 2}k`,
    '-c:a', 'aac', '-aac_coder', 'fast', '-b:a', '128k', '-f', 'flv', rtmpUrl,
  ], { stdio: 'ignore' });
  return [ffmpeg, chromium, xvfb];
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    if (child.pid) process.kill(child.spawnargs.includes('--kiosk') ? -child.pid : child.pid, 'SIGKILL');
  } catch {
    // gone
  }
  return exited;
}

/** One page: the web layout, then the headless-browser compositor, each measured over one window. */
async function compare(pageUrl: string, name: string, server: TestServerLike, rtmp: RtmpLike): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const started = await server.api('/v1/rooms/bench-web/rtmp_broadcasts', {
    method: 'POST',
    body: { quality: config.quality, layout: { name: 'web', options: { url: pageUrl } }, broadcasts: [{ name: 'web', stream_url: rtmp.appUrl(), stream_key: `web-${name}` }] },
  });
  if (started.status !== 201) throw new Error(`broadcast refused: ${started.status} ${await started.text()}`);
  await sleep(config.warmup_s * 1000);
  out.web_layout = { what: 'headless Chromium (CDP screencast JPEGs) + FFmpeg JPEG decode + compositor + x264 + RTMP relay', live: (await rtmp.liveStreams()).includes(`web-${name}`), ...(await measure()) };
  await server.api('/v1/rooms/bench-web/rtmp_broadcasts/stop', { method: 'POST' });
  await sleep(2000);
  const children = await headlessBrowserCompositor(pageUrl, rtmp.rtmpUrl(`baseline-${name}`));
  try {
    await sleep(config.warmup_s * 1000);
    out.headless_browser_compositor = { what: 'Chromium (kiosk) under Xvfb + x11grab + x264 + RTMP', live: (await rtmp.liveStreams()).includes(`baseline-${name}`), ...(await measure()) };
  } finally {
    for (const child of children) await kill(child);
  }
  out.web_layout_over_baseline = r3((out.web_layout as { cores: number }).cores / (out.headless_browser_compositor as { cores: number }).cores);
  return out;
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
  const server = await startTestServer({ WEB_LAYOUT_ORIGINS: pageOrigin });
  const result: Record<string, unknown> = { bench: 'web-layout', machine: machineInfo(), config, started_at: new Date().toISOString() };
  try {
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'bench-web' } });
    result.idle = await measure();

    for (const page of Object.keys(config.pages) as Array<keyof typeof config.pages>) {
      result[page] = await compare(`${pageOrigin}/${page}.html`, page, server, rtmp);
    }
  } finally {
    await server.close();
    await rtmp.stop();
    await new Promise((resolve) => pages.close(resolve));
  }
  const json = JSON.stringify(result, null, 2);
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}web-layout-${new Date().toISOString().replace(/[:.]/g, '-')}.json`, `${json}\n`);
  process.stdout.write(`${json}\n`);
});

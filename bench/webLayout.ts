/**
 * The web layout's whole egress against a headless-browser compositor (Chromium under Xvfb,
 * x11grab, x264: Jibri's way), rendering the same page at 360p30 into the same nginx-rtmp, one
 * after the other in one run: an animated page, a still page, and the built-in grid page with two
 * synthetic publishers (the meeting recorder case: both browsers receive the same participants
 * over WebRTC). Not a test: nothing asserts on timing.
 * Run: pnpm -s bench:web-layout   (stdout is the JSON; a copy goes to bench/results/).
 * BENCH_PAGES=animated,static,grid picks the pages (all by default); BENCH_CAPTURES=x11grab,screencast
 * the web layout's captures (WEB_LAYOUT_CAPTURE), each on its own server, in that order (all by default);
 * BENCH_BASELINES=silence,page_audio the baselines after each page's web layout window (both by default).
 * BENCH_ROUNDS=N repeats each page's web layout and baselines N times, alternating, and adds the means:
 * one 20 s window of a still page varies by ±0.015 of a core from run to run, as much as the gap measured.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { test } from 'vitest';
import { qualityPreset, SyntheticPublisher } from '@roomcast/egress';
import { startTestServer } from '../apps/server/src/testServer.js';
import { startRtmpServer } from '../test/support/rtmpServer.js';
import { type PageApi, startHeadlessBrowserCompositor, stopBaseline } from './headlessBrowserCompositor.js';
import { startCpuProfile } from './cpuProfile.js';
import { deliveredFps } from './deliveredFps.js';
import { machineInfo } from './machine.js';
import { classifyWebLayout, WEB_LAYOUT_KINDS, WEB_LAYOUT_NOT_COUNTED } from './processKinds.js';
import { ProcWindow, sampleDescendants, sampleProcess, type ProcSample } from './procstat.js';
import { PULSEAUDIO_MISSING, PulseAudioDaemon, pulseAudioInstalled } from './pulseAudio.js';
import { saveResult } from './results.js';

const env = process.env;
const config = {
  quality: '360p' as const,
  // 30 s: V8 is still optimizing the egress's code 10 s after a broadcast starts (perf: 0.0055 of a
  // core in TurboFan's compile jobs then, 0.001 at 42 s), a start-up cost, not the steady one.
  warmup_s: Number(env.BENCH_WARMUP_S ?? 30),
  window_s: Number(env.BENCH_WINDOW_S ?? 20),
  x264_preset: 'veryfast',
  pages: {
    animated: 'a block sliding across the page and a counter redrawn every animation frame: the worst case, everything repaints 60 times a second',
    static: 'a branded page whose only change is a clock ticking once a second: an overlay or slate',
    grid: 'the built-in grid page (`web` without a url) with 2 synthetic publishers (640x360@30 VP8 + Opus): both browsers join as a viewer and decode both over WebRTC; the headless-browser compositor is then a Jibri-like recorder, with AAC of silence (`headless_browser_compositor`) or recording the page\'s audio through PulseAudio as Jibri does (`headless_browser_compositor_with_page_audio`)',
  },
  publishers: 2,
  publisher_video: { width: 640, height: 360, fps: 30 },
  rounds: Math.max(1, Number(env.BENCH_ROUNDS ?? 1)),
};
const PAGES = (env.BENCH_PAGES ?? Object.keys(config.pages).join(',')).split(',') as Array<keyof typeof config.pages>;
const CAPTURES = (env.BENCH_CAPTURES ?? 'x11grab,screencast').split(',') as Capture[];
type Capture = 'x11grab' | 'screencast';
const WEB_LAYOUT_WHAT: Record<Capture, string> = {
  x11grab: 'Chromium (kiosk) under its own Xvfb, grabbed by the composite encoder itself (x11grab + x264 in one FFmpeg: nothing is drawn over the page) + the room audio mix (Node) + RTMP relay',
  screencast: 'headless Chromium (CDP screencast JPEGs) + FFmpeg JPEG decode + compositor (+ room audio mix) + x264 + RTMP relay',
};
/** The baseline's audio: AAC of silence (as before), or the page's audio through PulseAudio (the fair one). */
type Baseline = 'silence' | 'page_audio';
const BASELINES = (env.BENCH_BASELINES ?? 'silence,page_audio').split(',') as Baseline[];
const BASELINE_KEY: Record<Baseline, string> = { silence: 'headless_browser_compositor', page_audio: 'headless_browser_compositor_with_page_audio' };
const BASELINE_WHAT: Record<Baseline, string> = {
  silence: 'Chromium (kiosk, muted) under Xvfb + x11grab + x264 + AAC of silence + RTMP',
  page_audio: 'Chromium (kiosk) under Xvfb playing the page\'s audio into a PulseAudio null sink + x11grab + x264 + AAC of the sink\'s monitor + RTMP (Jibri\'s way)',
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
  for (const kind of WEB_LAYOUT_KINDS) {
    const cores = window.cores((s) => classifyWebLayout(s) === kind);
    if (cores > 0) by_kind[kind] = r3(cores);
  }
  const not_counted: Record<string, number> = {};
  for (const kind of WEB_LAYOUT_NOT_COUNTED) {
    const cores = window.cores((s) => classifyWebLayout(s) === kind);
    if (cores > 0) not_counted[kind] = r3(cores);
  }
  return { cores: r3(window.cores((s) => !WEB_LAYOUT_NOT_COUNTED.includes(classifyWebLayout(s)))), by_kind, not_counted };
}

/** One page: the web layout, then each headless-browser compositor baseline, each measured over one window. */
async function compare(pageUrl: string | undefined, name: string, capture: Capture, server: TestServerLike, rtmp: RtmpLike): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const layout = pageUrl === undefined ? 'web' : { name: 'web', options: { url: pageUrl } };
  const started = await server.api(`/v1/rooms/${ROOM}/rtmp_broadcasts`, {
    method: 'POST',
    body: { quality: config.quality, layout, broadcasts: [{ name: 'web', stream_url: rtmp.appUrl(), stream_key: `web-${name}` }] },
  });
  if (started.status !== 201) throw new Error(`broadcast refused: ${started.status} ${await started.text()}`);
  await sleep(config.warmup_s * 1000);
  // BENCH_CPU_PROFILE=1: a V8 profile of this process (the server) over the web layout's window.
  const profiling = env.BENCH_CPU_PROFILE ? await startCpuProfile() : undefined;
  const web = { what: WEB_LAYOUT_WHAT[capture], live: (await rtmp.liveStreams()).includes(`web-${name}`), ...(await measure()) };
  await profiling?.(`bench/results/web-layout-${name}.cpuprofile`);
  out.web_layout = { ...web, ...(await delivered(rtmp.rtmpUrl(`web-${name}`))) };
  await server.api(`/v1/rooms/${ROOM}/rtmp_broadcasts/stop`, { method: 'POST' });
  await sleep(2000);
  const page: BaselinePage = { url: pageUrl ?? new URL('/layouts/grid.html', server.url).href, grid: pageUrl === undefined, name, server, rtmp };
  for (const variant of BASELINES) {
    const key = BASELINE_KEY[variant];
    const measured = variant === 'silence' ? await measureBaseline(page, 'silence') : await pageAudioBaseline(page);
    out[key] = measured;
    if (typeof measured.cores === 'number') out[`web_layout_over_${key.replace('headless_browser_compositor', 'baseline')}`] = r3(web.cores / measured.cores);
  }
  return out;
}

/**
 * The frame rate at the destination, read after the CPU window (the probe would count in it): a
 * variant that costs less because it sends fewer pictures is no fair comparison (`short_of_fps`).
 */
async function delivered(url: string): Promise<Record<string, unknown>> {
  const { fps, ...detail } = await deliveredFps(url, 5);
  const short = fps === undefined || fps < preset.fps * 0.95;
  return { delivered_fps: fps, delivered: detail, ...(short ? { short_of_fps: `delivers ${fps ?? 'no'} frames a second of ${preset.fps}` } : {}) };
}

interface BaselinePage {
  url: string;
  /** The built-in grid page, driven over DevTools with a viewer token (the Jibri case). */
  grid: boolean;
  name: string;
  server: TestServerLike;
  rtmp: RtmpLike;
}

/** One window of the headless-browser compositor, with silence or (given `pulse`) the page's audio. */
async function measureBaseline(page: BaselinePage, variant: Baseline, pulse?: PulseAudioDaemon): Promise<Record<string, unknown> & { cores: number }> {
  const streamKey = variant === 'silence' ? `baseline-${page.name}` : `baseline-audio-${page.name}`;
  const pageApi: PageApi | undefined = page.grid
    ? { room: ROOM, serverUrl: page.server.url, token: await page.server.participantToken(ROOM, `${streamKey}-recorder`, 'viewer') }
    : undefined;
  const video = { width: preset.width, height: preset.height, fps: preset.fps, kbps: preset.videoKbps };
  const baseline = await startHeadlessBrowserCompositor({ url: page.url, rtmpUrl: page.rtmp.rtmpUrl(streamKey), video, pageApi, pulse });
  try {
    await sleep(config.warmup_s * 1000);
    // Before the window, so its FFmpeg is not counted: about -91 dB would say no audio reached the sink.
    const level = pulse ? { page_audio_mean_volume_db: await pulse.meanVolumeDb(2) } : {};
    const live = (await page.rtmp.liveStreams()).includes(streamKey);
    const cores = await measure();
    return { what: BASELINE_WHAT[variant], live, ...level, ...cores, ...(await delivered(page.rtmp.rtmpUrl(streamKey))) };
  } finally {
    await stopBaseline(baseline);
  }
}

/** The page-audio baseline on a PulseAudio daemon of its own; skipped (not failed) where pulseaudio is missing. */
async function pageAudioBaseline(page: BaselinePage): Promise<Record<string, unknown>> {
  if (!pulseAudioInstalled()) return { what: BASELINE_WHAT.page_audio, skipped: PULSEAUDIO_MISSING };
  const pulse = await PulseAudioDaemon.start();
  try {
    return await measureBaseline(page, 'page_audio', pulse);
  } finally {
    await pulse.stop();
  }
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
        result[page] = await inRounds(() => compare(`${pageOrigin}/${page}.html`, name, capture, server, rtmp));
        continue;
      }
      const room = server.sfu.room(ROOM);
      for (let i = 0; i < config.publishers; i++) {
        publishers.push(await SyntheticPublisher.start(room, { identity: `pub-${i + 1}`, name: `Publisher ${i + 1}`, video: config.publisher_video }));
      }
      result[page] = await inRounds(() => compare(undefined, name, capture, server, rtmp));
    }
  } finally {
    await Promise.all(publishers.splice(0).map((p) => p.stop()));
    await server.close();
  }
  return result;
}

/** One comparison, or `config.rounds` of them with the mean cores of each variant and the ratios of the means. */
async function inRounds(compareOnce: () => Promise<Record<string, unknown>>): Promise<Record<string, unknown>> {
  if (config.rounds === 1) return compareOnce();
  const rounds: Array<Record<string, unknown>> = [];
  for (let i = 0; i < config.rounds; i++) rounds.push(await compareOnce());
  const meanCores = (key: string): number | undefined => {
    const cores = rounds.map((r) => (r[key] as { cores?: number } | undefined)?.cores).filter((c): c is number => typeof c === 'number');
    return cores.length === rounds.length ? r3(cores.reduce((a, b) => a + b, 0) / cores.length) : undefined;
  };
  const web = meanCores('web_layout');
  const mean: Record<string, number> = {};
  if (web !== undefined) mean.web_layout = web;
  for (const key of Object.values(BASELINE_KEY)) {
    const baseline = meanCores(key);
    if (baseline === undefined) continue;
    mean[key] = baseline;
    if (web !== undefined) mean[`web_layout_over_${key.replace('headless_browser_compositor', 'baseline')}`] = r3(web / baseline);
  }
  return { rounds, mean };
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
  const result: Record<string, unknown> = { bench: 'web-layout', machine: machineInfo(), config: { ...config, captures: CAPTURES, baselines: BASELINES }, started_at: new Date().toISOString() };
  try {
    for (const capture of CAPTURES) result[capture] = await benchCapture(capture, pageOrigin, rtmp);
  } finally {
    await rtmp.stop();
    await new Promise((resolve) => pages.close(resolve));
  }
  saveResult('web-layout', result);
});

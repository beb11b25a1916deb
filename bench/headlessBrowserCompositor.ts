import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { PULSE_MONITOR, type PulseAudioDaemon } from './pulseAudio.js';

/** What the grid page needs before its scripts run (the egress gives it the same): see WebLayoutPage's `window.roomcast`. */
export interface PageApi {
  room: string;
  serverUrl: string;
  token: string;
}

export interface BaselineOptions {
  url: string;
  rtmpUrl: string;
  video: { width: number; height: number; fps: number; kbps: number };
  /** Drive the page over DevTools with `window.roomcast` (the grid page); else open `url` directly. */
  pageApi?: PageApi;
  /** Record the page's audio from this daemon's null sink (Jibri's way); without it, AAC of silence. */
  pulse?: PulseAudioDaemon;
}

export interface Baseline {
  children: ChildProcess[];
  browser?: Browser;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Chromium in kiosk mode on an Xvfb display, grabbed with x11grab and encoded like the composite
 * (x264 veryfast, one thread, AAC). With `pageApi` it is driven like Jibri drives its Chrome: over
 * the DevTools protocol (Playwright here), which gives the page `window.roomcast` and opens it.
 * With `pulse` it plays the page's audio into that daemon's null sink and FFmpeg records the sink's
 * monitor, as Jibri and LiveKit's egress record a page; without, Chromium is muted and FFmpeg encodes silence.
 */
export async function startHeadlessBrowserCompositor(options: BaselineOptions): Promise<Baseline> {
  const { url, pageApi, pulse, video } = options;
  const profile = mkdtempSync(join(tmpdir(), 'bench-web-layout-'));
  // Xvfb picks a free display and says which on fd 3 (no clash with a web layout's own Xvfb).
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', `${video.width}x${video.height}x24`, '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  const baseline: Baseline = { children: [xvfb] };
  try {
    const display = await displayOf(xvfb);
    const chromiumChild = spawn(
      process.env.CHROMIUM_PATH ?? 'chromium',
      ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', `--user-data-dir=${profile}`,
        // Muted unless its audio is recorded; autoplay as Jibri's Chrome, so no click is needed to play.
        ...(pulse ? [] : ['--mute-audio']), ...(pulse || pageApi ? ['--autoplay-policy=no-user-gesture-required'] : []),
        '--kiosk', `--window-size=${video.width},${video.height}`, '--window-position=0,0',
        ...(pageApi ? ['--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0',
          '--force-webrtc-ip-handling-policy=default_public_and_private_interfaces', 'about:blank'] : [url])],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...pulse?.env, DISPLAY: display }, detached: true },
    );
    chromiumChild.once('exit', () => rmSync(profile, { recursive: true, force: true }));
    baseline.children.unshift(chromiumChild);
    if (pageApi) baseline.browser = await openWithApi(chromiumChild, url, pageApi, pulse !== undefined);
    else chromiumChild.stderr!.resume();
    await sleep(3000);
    baseline.children.unshift(spawn('ffmpeg', baselineFfmpegArgs(display, options), { stdio: 'ignore', env: { ...process.env, ...pulse?.env } }));
    return baseline;
  } catch (error) {
    await stopBaseline(baseline);
    rmSync(profile, { recursive: true, force: true }); // also when Chromium never started
    throw error;
  }
}

function displayOf(xvfb: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let text = '';
    xvfb.stdio[3]!.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (text.endsWith('\n')) resolve(`:${text.trim()}`);
    });
    xvfb.once('error', reject);
    xvfb.once('exit', () => reject(new Error('baseline Xvfb exited at start')));
  });
}

/** The composite's x264 and AAC settings; the audio input is the sink's monitor (48 kHz stereo) or silence. */
function baselineFfmpegArgs(display: string, { rtmpUrl, pulse, video }: BaselineOptions): string[] {
  const { kbps, fps } = video;
  const grab = ['-f', 'x11grab', '-video_size', `${video.width}x${video.height}`, '-framerate', String(fps), '-i', display];
  // The PulseAudio input goes FIRST: with the grab first, FFmpeg 5.1 delivered 18 frames a second
  // at the destination (bench delivered_fps; 182-186 of 240 frames in 8 s on a bare Xvfb, with or
  // without a bigger queue for the grab or smaller pulse fragments), with it first all 240 (as with
  // silence). A cheaper baseline that sends fewer pictures is not a fair one.
  // One thread per input in this FFmpeg: a roomier queue keeps the grab from blocking the audio read.
  const inputs = pulse ? ['-thread_queue_size', '1024', '-f', 'pulse', '-sample_rate', '48000', '-channels', '2', '-i', PULSE_MONITOR, ...grab] : [...grab, '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo'];
  return [
    '-hide_banner', '-loglevel', 'error',
    ...inputs,
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-threads', '1', '-profile:v', 'high', '-pix_fmt', 'yuv420p',
    '-g', String(fps * 2), '-keyint_min', String(fps * 2), '-sc_threshold', '0', '-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps * 2}k`,
    '-c:a', 'aac', '-aac_coder', 'fast', '-b:a', '128k', '-f', 'flv', rtmpUrl,
  ];
}

/**
 * Connects to the kiosk Chromium's DevTools, gives its page `window.roomcast` and opens `url` in it.
 * With `playAudio`, every remote audio track also gets an `<audio autoplay>`: the grid page shows
 * video only (muted elements), where a recorder's page (Jitsi Meet under Jibri) plays the room.
 */
async function openWithApi(child: ChildProcess, url: string, api: PageApi, playAudio: boolean): Promise<Browser> {
  const browser = await chromium.connectOverCDP(await devToolsUrl(child), { timeout: 15_000 });
  const page = browser.contexts()[0]!.pages()[0] ?? (await browser.contexts()[0]!.newPage());
  await page.addInitScript((a: PageApi) => {
    (globalThis as unknown as { roomcast: unknown }).roomcast = { ...a, ready: () => undefined, end: () => undefined };
  }, api);
  if (playAudio) await page.addInitScript(playRemoteAudio);
  await page.goto(url, { waitUntil: 'load' });
  return browser;
}

/**
 * Runs in the page before its scripts: wraps RTCPeerConnection so that each remote audio track it
 * receives plays in an `<audio autoplay>` (Chromium renders a remote WebRTC track only when an
 * element plays it). The page's own SDK and code are untouched. Types are loose: bench has no DOM lib.
 */
function playRemoteAudio(): void {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  const g = globalThis as any;
  const Native = g.RTCPeerConnection;
  if (!Native) return;
  g.RTCPeerConnection = class extends Native {
    constructor(...args: unknown[]) {
      super(...args);
      (this as any).addEventListener('track', (event: any) => {
        if (event.track.kind !== 'audio') return;
        const element = g.document.createElement('audio');
        element.autoplay = true;
        element.srcObject = new g.MediaStream([event.track]);
        g.document.documentElement.append(element);
        event.track.addEventListener('ended', () => element.remove());
      });
    }
  };
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

function devToolsUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
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
}

/** Closes the DevTools connection (bounded), then ends every process of the baseline. */
export async function stopBaseline(baseline: Baseline): Promise<void> {
  await Promise.race([baseline.browser?.close().catch(() => undefined), sleep(1000)]);
  for (const child of baseline.children) await kill(child);
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    // Xvfb on SIGTERM removes its lock file and socket; Chromium goes with its whole process group.
    process.kill(child.spawnargs.includes('--kiosk') ? -child.pid : child.pid, child.spawnfile === 'Xvfb' ? 'SIGTERM' : 'SIGKILL');
  } catch {
    // gone
  }
  return exited;
}

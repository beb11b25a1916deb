/**
 * HLS latency benchmark (not a test: it asserts nothing). Glass to glass: a synthetic publisher
 * burns its wall clock into the picture as a barcode (clockBarcode.ts), the room goes out as an
 * HLS live stream, and real Chromium plays it with hls.js and reads the clock off the frame it
 * shows, with parts (LL-HLS, `lowLatencyMode`) and without. Also the time from the API call to
 * `running`. Run: pnpm -s bench:hls   (vitest is only the TypeScript runner; stdout is the JSON).
 */
import { test } from 'vitest';
import { clockAgeMs, readClockBarcode, SyntheticPublisher } from '@roomcast/egress';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { launchBrowser } from '../test/support/browser.js';
import { sleep } from './floor.js';
import { startLatencyPage } from './latencyPage.js';
import { machineInfo } from './machine.js';
import { saveResult } from './results.js';

const env = process.env;
const config = {
  quality: '360p' as const,
  layout: 'single-participant' as const,
  publisher: { width: 640, height: 360, fps: 30, bitrateKbps: 800 },
  warmup_s: Number(env.BENCH_WARMUP_S ?? 8),
  window_s: Number(env.BENCH_WINDOW_S ?? 15),
  sample_every_ms: 250,
};
const ROOM = 'bench-hls';

interface FrameReading {
  luma: number[];
  now: number;
  currentTime: number;
  hlsLatency: number;
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { samples: sorted.length, min: at(0), median: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? Number.NaN };
}

/** Starts a live stream, plays it in Chromium and reads the clock off the shown frames. */
async function measure(server: TestServer, lowLatency: boolean) {
  const calledAt = performance.now();
  const response = await server.api(`/v1/rooms/${ROOM}/live_streams`, { method: 'POST', body: { quality: config.quality, layout: config.layout } });
  if (response.status !== 201) throw new Error(`live stream did not start: ${response.status} ${await response.text()}`);
  const { id, playback } = (await response.json()) as { id: string; playback: { url: string } };
  let runningMs: number | undefined;
  while (runningMs === undefined && performance.now() - calledAt < 10_000) {
    const status = ((await (await server.api(`/v1/live_streams/${id}`)).json()) as { status: string }).status;
    if (status === 'running') runningMs = Math.round(performance.now() - calledAt);
    else await sleep(20);
  }
  const page = await startLatencyPage();
  const browser = await launchBrowser();
  try {
    const tab = await browser.newPage();
    const master = playback.url.startsWith('http') ? playback.url : `${server.url}${playback.url}`;
    await tab.goto(page.url(master, lowLatency));
    await sleep(config.warmup_s * 1000);
    const ages: number[] = [];
    const hlsLatencies: number[] = [];
    let unreadable = 0;
    for (let t = 0; t < config.window_s * 1000; t += config.sample_every_ms) {
      const reading = (await tab.evaluate('window.readFrame()')) as FrameReading | undefined;
      const stamp = reading ? readClockBarcode(reading.luma) : undefined;
      if (reading && stamp !== undefined) {
        ages.push(clockAgeMs(stamp, reading.now));
        hlsLatencies.push(Math.round(reading.hlsLatency * 1000));
      } else unreadable++;
      await sleep(config.sample_every_ms);
    }
    const errors = (await tab.evaluate('window.player.errors')) as string[];
    return { mode: lowLatency ? 'll-hls (parts)' : 'hls (segments only)', running_ms: runningMs, glass_to_glass_ms: stats(ages), hls_js_latency_ms: stats(hlsLatencies), unreadable_frames: unreadable, player_errors: errors };
  } finally {
    await browser.close();
    await page.close();
    await server.api(`/v1/live_streams/${id}/stop`, { method: 'POST' });
  }
}

test('hls: glass-to-glass latency with and without parts', async () => {
  const server = await startTestServer({ LOG_LEVEL: 'warn' });
  const runs = [];
  let publisher: SyntheticPublisher | undefined;
  try {
    await server.api('/v1/rooms', { method: 'POST', body: { name: ROOM } });
    publisher = await SyntheticPublisher.start(server.sfu.room(ROOM), { identity: 'clock', name: 'Clock', video: { ...config.publisher, clockBarcode: true } });
    for (const lowLatency of [true, false]) {
      runs.push(await measure(server, lowLatency));
      process.stderr.write(`hls bench: ${JSON.stringify(runs.at(-1))}\n`);
    }
  } finally {
    await publisher?.stop();
    await server.close();
  }
  const result = {
    benchmark: 'hls',
    at: new Date().toISOString(),
    machine: machineInfo(),
    config,
    // The publisher stamps frames from its spawn time; FFmpeg's start-up (~0.1-0.2 s) makes every
    // stamp a little early, so these figures overstate the latency by that much, never understate it.
    runs,
  };
  saveResult('hls', result, result.at);
});

/**
 * A/V offset benchmark (not a test: it asserts nothing). A synthetic publisher flashes white and
 * beeps at the same instant every 2 s (packages/egress/src/synthetic/avMarks.ts); the room goes
 * out at once to a local nginx-rtmp and as an HLS live stream (one encode shared); an FFmpeg reader
 * at each output decodes it, finds the flashes by mean luma and the beeps by audio energy per
 * millisecond, and reports beep minus flash (positive: the sound is late). See bench/README.md.
 * Run: pnpm -s bench:av-offset   (vitest is only the TypeScript runner; stdout is the JSON).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'vitest';
import { ffmpegPath, SyntheticPublisher } from '@roomcast/egress';
import type { Layout } from '@roomcast/protocol';
import { AV_MARKS, beepOnsets, flashOnsets, markAnalysisFilters, pairOffsetsMs, parseMetadataLog } from '../packages/egress/src/synthetic/avMarks.js';
import { startTestServer } from '../apps/server/src/testServer.js';
import { startRtmpServer } from '../test/support/rtmpServer.js';
import { sleep } from './floor.js';
import { READER_MARKER } from './firstFrame.js';
import { machineInfo } from './machine.js';
import { saveResult } from './results.js';

const env = process.env;
const config = {
  quality: '360p' as const,
  // BENCH_LAYOUT=web: the built-in grid page in Chromium, grabbed by the encoder itself (videoSourceFor);
  // a JSON layout object too, e.g. web with a banner (the page then goes through the compositor).
  layout: (env.BENCH_LAYOUT?.startsWith('{') ? JSON.parse(env.BENCH_LAYOUT) : (env.BENCH_LAYOUT ?? 'single-participant')) as Layout,
  publisher: { width: 640, height: 360, fps: 30 },
  marks: AV_MARKS,
  warmup_s: Number(env.BENCH_WARMUP_S ?? 4),
  capture_s: Number(env.BENCH_CAPTURE_S ?? 20),
};
const ROOM = 'bench-av-offset';

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.length ? Math.round(values.reduce((a, b) => a + b, 0) / values.length) : null;
  return { pairs: sorted.length, min: sorted[0] ?? null, median: sorted[Math.floor((sorted.length - 1) / 2)] ?? null, max: sorted.at(-1) ?? null, mean };
}

/** Decodes `url` for capture_s seconds of media and measures the flash/beep offsets in it. */
async function captureOffsets(label: string, url: string) {
  const dir = mkdtempSync(join(tmpdir(), 'roomcast-av-'));
  const [lumaFile, rmsFile] = [join(dir, 'luma.txt'), join(dir, 'rms.txt')];
  const filters = markAnalysisFilters(lumaFile, rmsFile);
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-i', url,
    '-map', '0:v:0', '-map', '0:a:0', '-vf', filters.video, '-af', filters.audio,
    '-t', String(config.capture_s), '-metadata', `comment=${READER_MARKER}`, '-f', 'null', '-',
  ];
  const child = spawn(ffmpegPath(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (t: string) => (stderr = (stderr + t).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const timer = setTimeout(() => child.kill('SIGKILL'), (config.capture_s + 30) * 1000);
  try {
    const code = await exited;
    const luma = parseMetadataLog(readFileSync(lumaFile, 'utf8'), 'lavfi.signalstats.YAVG');
    const rms = parseMetadataLog(readFileSync(rmsFile, 'utf8'), 'lavfi.astats.Overall.RMS_level');
    const flashes = flashOnsets(luma);
    const beeps = beepOnsets(rms);
    const offsets = pairOffsetsMs(flashes, beeps);
    return {
      output: label,
      audio_minus_video_ms: stats(offsets),
      offsets_ms: offsets,
      flashes_found: flashes.length,
      beeps_found: beeps.length,
      video_frames: luma.length,
      audio_ms: rms.length,
      reader_exit: code,
      reader_errors: stderr.trim() || undefined,
    };
  } finally {
    clearTimeout(timer);
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure() {
  const rtmp = await startRtmpServer();
  const server = await startTestServer({ LOG_LEVEL: 'warn' });
  let publisher: SyntheticPublisher | undefined;
  try {
    await server.api('/v1/rooms', { method: 'POST', body: { name: ROOM } });
    publisher = await SyntheticPublisher.start(server.sfu.room(ROOM), { identity: 'marks', name: 'Marks', video: config.publisher, avMarks: true });
    const broadcast = await server.api(`/v1/rooms/${ROOM}/rtmp_broadcasts`, {
      method: 'POST',
      body: { broadcasts: [{ name: 'nginx', stream_url: rtmp.appUrl(), stream_key: 'av' }], layout: config.layout, quality: config.quality },
    });
    if (broadcast.status !== 201) throw new Error(`rtmp broadcast: ${broadcast.status} ${await broadcast.text()}`);
    const live = await server.api(`/v1/rooms/${ROOM}/live_streams`, { method: 'POST', body: { quality: config.quality, layout: config.layout, renditions: [config.quality] } });
    if (live.status !== 201) throw new Error(`live stream: ${live.status} ${await live.text()}`);
    const { id, playback } = (await live.json()) as { id: string; playback: { url: string } };
    await sleep(config.warmup_s * 1000);
    const master = playback.url.startsWith('http') ? playback.url : `${server.url}${playback.url}`;
    try {
      return await Promise.all([captureOffsets('rtmp (nginx-rtmp, FLV)', rtmp.rtmpUrl('av')), captureOffsets('hls (live playlist, fMP4 segments)', master)]);
    } finally {
      await server.api(`/v1/live_streams/${id}/stop`, { method: 'POST' });
      await server.api(`/v1/rooms/${ROOM}/rtmp_broadcasts/stop`, { method: 'POST' });
    }
  } finally {
    await publisher?.stop();
    await server.close();
    await rtmp.stop();
  }
}

test('a/v offset at the outputs', async () => {
  const startedAt = new Date();
  const machine = machineInfo();
  const outputs = await measure();
  const result = {
    benchmark: 'av-offset',
    started_at: startedAt.toISOString(),
    machine,
    config,
    method:
      'flash onsets: first frame whose mean luma (signalstats YAVG) passes halfway from the 10th percentile to the peak; beep onsets: first millisecond (astats RMS over 48 samples) within 20 dB of the loudest after silence; offset = nearest beep minus flash, pts of the decoded output',
    target_ms: 45,
    outputs,
  };
  saveResult('av-offset', result, result.started_at);
});

/**
 * Realtime media streams benchmark (issue 11's targets; not a test: it asserts nothing).
 *  1. latency: synthetic publishers beep every 2 s (avMarks.ts); the beep's first RTP packet at the
 *     mediasoup worker (its `rtp` trace event, stamped by the worker) vs the first loud 20 ms PCM
 *     frame an app's MediaStreamClient emits, both on CLOCK_MONOTONIC;
 *  2. CPU: 4 participants' audio to 10 apps (one stream each, per-participant 16 kHz PCM): this
 *     process (the server runs in it) plus its FFmpeg decoders, the publishers left out;
 *  3. a stalled app: one app stops reading, the others read on: memory, dropped frames, their latency.
 * The apps run in a child process (bench/appsProcess.ts), so their own parsing is not the server's CPU.
 * Run: pnpm -s bench:media-streams   (vitest is only the TypeScript runner; stdout is the JSON).
 */
import { test } from 'vitest';
import { SyntheticPublisher } from '@roomcast/egress';
import { startTestServer } from '../apps/server/src/testServer.js';
import { startWebhookReceiver } from '../test/support/webhookReceiver.js';
import { AppsProcess } from './appsProcess.js';
import { monotonicMs, latencyStats, RtpOnsetRecorder } from './beepOnsets.js';
import { sleep } from './floor.js';
import { machineInfo } from './machine.js';
import { appId, type BenchContext, decoders, isDecoder, isPublisher, latencySummary, mediaApps, startStream, stopStream, waitFor } from './mediaStreamsContext.js';
import { stallPhase } from './mediaStreamsStall.js';
import { machineBusySeconds, ProcWindow, sampleDescendants, sampleProcess, type ProcSample } from './procstat.js';
import { loadAverages, saveResult } from './results.js';

const env = process.env;
const config = {
  audio: { codec: 'pcm_s16le', sample_rate: 16000, per_participant: true } as const,
  latency: { publishers: Number(env.BENCH_LATENCY_PUBLISHERS ?? 3), warmup_s: 4, window_s: Number(env.BENCH_LATENCY_WINDOW_S ?? 32) },
  cpu: { apps: 10, participants: 4, warmup_s: 6, baseline_s: 10, window_s: Number(env.BENCH_CPU_WINDOW_S ?? 20) },
  stall: { warmup_s: 4, before_s: 16, after_first_drop_s: 10, max_s: Number(env.BENCH_STALL_MAX_S ?? 90) },
};
const TARGETS = { latency_p95_ms: 150, cpu_cores: 0.3, decoder_processes: 4, extra_delay_p95_ms: 20, retained_allowance_mb: 1 };
const ROOM = 'bench-media-streams';
const r3 = (n: number): number => Math.round(n * 1000) / 1000;
const load = loadAverages;

/** Phase 1: beeping publishers, one app; the beeps from RTP at the worker to the app's client. */
async function latencyPhase(ctx: BenchContext) {
  const room = ctx.server.sfu.room(ROOM);
  const publishers: SyntheticPublisher[] = [];
  const recorders: RtpOnsetRecorder[] = [];
  let streamId: string | undefined;
  try {
    for (let i = 1; i <= config.latency.publishers; i++) {
      const publisher = await SyntheticPublisher.start(room, { identity: `beep-${i}`, name: `Beep ${i}`, video: false, avMarks: true });
      publishers.push(publisher);
      recorders.push(await RtpOnsetRecorder.start(publisher.audioProducer!));
    }
    const stream = await startStream(ctx, appId(1));
    streamId = stream.id;
    await ctx.apps.connect('latency', stream.credentials);
    await sleep(config.latency.warmup_s * 1000);
    const from = monotonicMs();
    await sleep(config.latency.window_s * 1000);
    const to = monotonicMs();
    const rtp = new Map(recorders.map((r, i) => [`Beep ${i + 1}`, r.onsets]));
    // Beeps still on their way at `to` arrive within a second.
    await sleep(1000);
    const onsets = ctx.apps.onsets.filter((o) => o.key === 'latency');
    return {
      window_s: r3((to - from) / 1000),
      ...latencySummary(rtp, onsets, ctx.wallMinusMonotonic, { from, to }),
      trace_event_delivery_ms: latencyStats(recorders.flatMap((r) => r.deliveryMs)),
    };
  } finally {
    if (streamId) await stopStream(ctx, streamId);
    for (const recorder of recorders) await recorder.stop();
    for (const publisher of publishers) await publisher.stop();
    await waitFor(() => decoders().length === 0, 10_000, 'the latency phase decoders to stop');
  }
}

/** CPU of the server process, its decoders and the rest, over one window sampled every 500 ms. */
async function cpuWindow(seconds: number, appsPid: number | undefined) {
  const appPids = new Set(appsPid ? [appsPid, ...sampleDescendants(appsPid).map((s) => s.pid)] : []);
  const collect = (): ProcSample[] => [...sampleDescendants(process.pid), sampleProcess(process.pid)!];
  const [busy0, usage0, t0] = [machineBusySeconds(), process.cpuUsage(), performance.now()];
  const window = new ProcWindow();
  window.start(collect());
  const timer = setInterval(() => window.tick(collect()), 500);
  await sleep(seconds * 1000);
  clearInterval(timer);
  window.stop(collect());
  const wall = (performance.now() - t0) / 1000;
  const usage = process.cpuUsage(usage0);
  return {
    window_s: r3(wall),
    node_cores: r3((usage.user + usage.system) / 1e6 / wall),
    decoder_cores: r3(window.cores(isDecoder)),
    not_counted_cores: {
      publishers: r3(window.cores(isPublisher)),
      mediasoup_worker: r3(window.cores((s) => s.cmdline.includes('mediasoup-worker'))),
      apps_process: r3(window.cores((s) => appPids.has(s.pid))),
    },
    machine_busy_cores: r3((machineBusySeconds() - busy0) / wall),
    loadavg_at_end: load(),
  };
}

/** Phase 2: 4 participants' audio to 10 apps. Leaves its publishers and apps running for phase 3. */
async function cpuPhase(ctx: BenchContext, publishers: SyntheticPublisher[]) {
  const room = ctx.server.sfu.room(ROOM);
  for (let i = 1; i <= config.cpu.participants; i++) {
    publishers.push(await SyntheticPublisher.start(room, { identity: `p-${i}`, name: `Participant ${i}`, video: false }));
  }
  await sleep(config.cpu.warmup_s * 1000);
  process.stderr.write('[bench] cpu: baseline (publishers, no stream)\n');
  const baseline = await cpuWindow(config.cpu.baseline_s, ctx.apps.child.pid);
  const keys: string[] = [];
  for (let n = 1; n <= config.cpu.apps; n++) {
    const stream = await startStream(ctx, appId(n));
    keys.push(`cpu-${appId(n)}`);
    await ctx.apps.connect(keys.at(-1)!, stream.credentials);
  }
  await waitFor(async () => Object.entries(await ctx.apps.frameCounts()).every(([k, n]) => !keys.includes(k) || n > 50), 20_000, 'audio at every app');
  await sleep(config.cpu.warmup_s * 1000);
  process.stderr.write(`[bench] cpu: ${config.cpu.apps} apps x ${config.cpu.participants} participants\n`);
  const counts0 = await ctx.apps.frameCounts();
  const run = await cpuWindow(config.cpu.window_s, ctx.apps.child.pid);
  const counts1 = await ctx.apps.frameCounts();
  const rates = keys.map((k) => (counts1[k]! - counts0[k]!) / run.window_s);
  const decoderCount = decoders().length;
  return {
    result: {
      baseline_no_streams: baseline,
      run,
      server_cores: r3(run.node_cores + run.decoder_cores),
      server_cores_above_baseline: r3(run.node_cores - baseline.node_cores + run.decoder_cores),
      decoder_processes: decoderCount,
      frames_per_s_per_app: { min: r3(Math.min(...rates)), max: r3(Math.max(...rates)), expected: config.cpu.participants * 50 },
    },
    keys,
  };
}

async function runAll() {
  const hooks = await startWebhookReceiver('unused-the-apps-do-not-check-signatures-here');
  const server = await startTestServer({
    LOG_LEVEL: 'warn',
    MEDIA_APPS: JSON.stringify(mediaApps(config.cpu.apps, hooks.url)),
    MEDIA_STREAMS_MAX_PER_ROOM: String(config.cpu.apps + 2),
  });
  const apps = await AppsProcess.start('Beep');
  const publishers: SyntheticPublisher[] = [];
  const ctx: BenchContext = { server, hooks, apps, room: ROOM, audio: config.audio, wallMinusMonotonic: Date.now() - monotonicMs() };
  try {
    await server.api('/v1/rooms', { method: 'POST', body: { name: ROOM } });
    process.stderr.write('[bench] latency\n');
    const latency = await latencyPhase(ctx);
    const cpu = await cpuPhase(ctx, publishers);
    process.stderr.write('[bench] stalled app\n');
    const stall = await stallPhase(ctx, config.stall, cpu.keys);
    return { latency, cpu: cpu.result, stall, apps_closed_early: Object.fromEntries(apps.closed) };
  } finally {
    await apps.stop();
    for (const publisher of publishers) await publisher.stop();
    await server.close();
    await hooks.close();
  }
}

function targets(r: Awaited<ReturnType<typeof runAll>>) {
  const duringP95 = r.stall.other_apps_latency.during_stall.rtp_to_app_ms.p95;
  const beforeP95 = r.stall.other_apps_latency.before.rtp_to_app_ms.p95;
  const dropped = Object.values(r.stall.dropped_frames_during_stall).reduce((a, b) => a + b, 0);
  return {
    latency_p95_under_150_ms: { value_ms: r.latency.rtp_to_app_ms.p95, pass: r.latency.rtp_to_app_ms.p95 !== null && r.latency.rtp_to_app_ms.p95 < TARGETS.latency_p95_ms },
    cpu_10_apps_x_4_participants_under_0_3_core: { value_cores: r.cpu.server_cores, pass: r.cpu.server_cores < TARGETS.cpu_cores },
    decoders_shared_4_not_40: { value: r.cpu.decoder_processes, pass: r.cpu.decoder_processes === TARGETS.decoder_processes },
    stalled_app_bounded: {
      rule: `frames were dropped (the bound was reached) and the retained heap+external after GC grew by at most the queue bound + ${TARGETS.retained_allowance_mb} MB`,
      dropped_frames: dropped,
      retained_growth_mb: r.stall.memory_mb.retained_growth,
      pass: dropped > 0 && r.stall.memory_mb.retained_growth <= r.stall.queue_bound_mb + TARGETS.retained_allowance_mb,
    },
    others_no_extra_delay: {
      rule: `p95 during the stall at most ${TARGETS.extra_delay_p95_ms} ms (one frame) above p95 before it`,
      before_p95_ms: beforeP95,
      during_p95_ms: duringP95,
      pass: beforeP95 !== null && duringP95 !== null && duringP95 - beforeP95 <= TARGETS.extra_delay_p95_ms,
    },
  };
}

const METHOD = {
  latency:
    'rtp_to_app = CLOCK_MONOTONIC when the app-side MediaStreamClient (another process, on this host) emitted the first 20 ms PCM frame of a beep with RMS > 1000, minus the mediasoup worker\'s timestamp of the first RTP packet of that beep with an Opus payload > 40 bytes (producer `rtp` trace event, uv_hrtime ms). Includes: worker forwarding to the tap, FFmpeg RTP receive + Opus decode + resample to 16 kHz, the 20 ms framing in Node (a frame goes out when its last sample is in, so 0-20 ms of waiting), speech flagging, JSON + base64 and the ws send, loopback TCP, the app\'s ws + JSON parse. Excludes the publisher\'s own capture/encode/send (we start at its RTP arriving at the SFU). Resolution: 1 ms (worker stamps whole ms). split_ms cuts at the frame\'s server timestamp (Date.now() when the frame reached AudioHub), converted to the monotonic clock.',
  cpu: 'server_cores = this process (the in-process server: process.cpuUsage) + the FFmpeg decoders (cmdline with .sdp; utime+stime from /proc/<pid>/stat every 500 ms), over window_s. Not counted: the publishers\' FFmpeg (-re -f lavfi), the mediasoup worker (the SFU, reported), the apps\' process (reported).',
  stall: 'the stalled app pauses its media socket\'s TCP socket (the kernel buffers fill, then ws bufferedAmount, then the SendQueue drops the oldest audio); memory is process.memoryUsage() every 500 ms, and heap+external after a forced full GC before and at the end of the stall; dropped frames from GET /metrics; the other apps\' latency is the same measure as above on a fifth, beeping participant.',
};

test('media streams benchmark', async () => {
  const startedAt = new Date();
  const loadAtStart = load();
  const machine = machineInfo();
  const results = await runAll();
  const result = {
    benchmark: 'media-streams',
    started_at: startedAt.toISOString(),
    duration_s: Math.round((Date.now() - startedAt.getTime()) / 1000),
    machine: { ...machine, loadavg_1_5_15m_at_start: loadAtStart, loadavg_1_5_15m_at_end: load() },
    config,
    method: METHOD,
    ...results,
    targets: targets(results),
  };
  saveResult('media-streams', result, result.started_at);
  const left = sampleDescendants(process.pid).filter((s) => /ffmpeg|vitest/.test(s.cmdline));
  if (left.length) process.stderr.write(`[bench] processes left behind: ${left.map((s) => s.pid).join(' ')}\n`);
});

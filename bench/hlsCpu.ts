/**
 * HLS CPU benchmark (not a test: it asserts nothing). With two synthetic publishers in a 720p grid:
 * (a) RTMP alone to a local nginx-rtmp, (b) the same plus an HLS live stream with only the 720p
 * rendition (no extra encode: the cost of HLS is its remux and packager), (a) again, (c) HLS alone with the
 * default ladder (720p + 360p), then the bare encodes of those renditions on lavfi input
 * (bench/floor.ts) measured right after, under the same host speed. See bench/README.md.
 * Run: pnpm -s bench:hls-cpu   (vitest is only the TypeScript runner; stdout is the JSON).
 */
import { test } from 'vitest';
import type { Quality } from '@roomcast/protocol';
import { qualityPreset, SyntheticPublisher } from '@roomcast/egress';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { startRtmpServer } from '../test/support/rtmpServer.js';
import { type FloorResult, measureFloor, sleep } from './floor.js';
import { machineInfo } from './machine.js';
import { classify, isEgressFfmpeg, type Kind } from './processKinds.js';
import { machineBusySeconds, ProcWindow, sampleDescendants, sampleProcess, type ProcSample } from './procstat.js';
import { loadAverages, saveResult } from './results.js';

const env = process.env;
const config = {
  publishers: Number(env.BENCH_PUBLISHERS ?? 2),
  video: { width: 640, height: 360, fps: 30 },
  quality: '720p' as const,
  ladder: ['720p', '360p'] as Quality[],
  layout: 'grid' as const,
  warmup_s: Number(env.BENCH_WARMUP_S ?? 6),
  window_s: Number(env.BENCH_WINDOW_S ?? 12),
};
const ROOM = 'bench-hls-cpu';
const r3 = (n: number): number => Math.round(n * 1000) / 1000;
const load = loadAverages;

/** Every descendant of this process plus this process itself. */
const collect = (): ProcSample[] => [...sampleDescendants(process.pid), sampleProcess(process.pid)!];
const ofKind = (...kinds: Kind[]) => (s: ProcSample): boolean => kinds.includes(classify(s));

/** The rendition an encoder FFmpeg produces: its `scale=W:H` (a lower rung), else its input `-s WxH`. */
function encoderHeight(cmdline: string): number | undefined {
  const m = /scale=\d+:(\d+)/.exec(cmdline) ?? /\s-s \d+x(\d+)\s/.exec(` ${cmdline} `);
  return m ? Number(m[1]) : undefined;
}

/** One steady-state window over the whole process tree, sampled every 500 ms. */
async function steadyWindow(seconds: number): Promise<{ window: ProcWindow; machineBusyCores: number; loadavg: number[] }> {
  const busy0 = machineBusySeconds();
  const window = new ProcWindow();
  window.start(collect());
  const timer = setInterval(() => window.tick(collect()), 500);
  await sleep(seconds * 1000);
  clearInterval(timer);
  window.stop(collect());
  return { window, machineBusyCores: r3((machineBusySeconds() - busy0) / window.seconds), loadavg: load() };
}

interface Baseline {
  node_cores: number;
  sfu_worker_cores: number;
  publishers_cores: number;
  machine_busy_cores: number;
}

/** The egress figures of one window; `node_delta` is the server process above the baseline. */
function figures(w: Awaited<ReturnType<typeof steadyWindow>>, baseline: Baseline) {
  const cores = (...kinds: Kind[]): number => w.window.cores(ofKind(...kinds));
  const byRendition: Record<string, number> = {};
  for (const height of new Set(collect().filter(ofKind('encoder')).map((s) => encoderHeight(s.cmdline)))) {
    byRendition[`${height}p`] = r3(w.window.cores((s) => classify(s) === 'encoder' && encoderHeight(s.cmdline) === height));
  }
  const nodeDelta = cores('node') - baseline.node_cores;
  const ffmpeg = cores('encoder', 'video_decoder', 'audio_decoder', 'relay', 'hls_remux', 'other_egress');
  return {
    egress_cpu_cores: r3(ffmpeg + nodeDelta),
    breakdown_cores: {
      encoders: r3(cores('encoder')),
      encoders_by_rendition: byRendition,
      video_decoders: r3(cores('video_decoder')),
      audio_decoders: r3(cores('audio_decoder')),
      relays: r3(cores('relay')),
      hls_remux: r3(cores('hls_remux')),
      other_ffmpeg: r3(cores('other_egress')),
      node_delta: r3(nodeDelta),
    },
    not_counted_cores: { publishers: r3(cores('publisher')), nginx: r3(cores('nginx')), sfu_worker_extra: r3(cores('sfu_worker') - baseline.sfu_worker_cores) },
    machine_busy_cores: w.machineBusyCores,
    loadavg_at_end: w.loadavg,
  };
}
type Figures = ReturnType<typeof figures>;

async function api(server: TestServer, path: string, body?: unknown): Promise<{ id?: string }> {
  const response = await server.api(path, { method: 'POST', body });
  if (response.status >= 300) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json().catch(() => ({}))) as { id?: string };
}

/** Starts a live stream and waits for `running` (every rendition has a playable part). */
async function startLiveStream(server: TestServer, renditions?: Quality[]): Promise<string> {
  const { id } = await api(server, `/v1/rooms/${ROOM}/live_streams`, { quality: config.quality, layout: config.layout, renditions });
  const deadline = performance.now() + 15_000;
  for (;;) {
    const status = ((await (await server.api(`/v1/live_streams/${id}`)).json()) as { status: string }).status;
    if (status === 'running') return id!;
    if (status === 'failed' || performance.now() > deadline) throw new Error(`live stream ${id} is ${status}`);
    await sleep(50);
  }
}

async function waitUntilGone(accepts: (s: ProcSample) => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (sampleDescendants(process.pid).some(accepts) && performance.now() < deadline) await sleep(100);
}

async function run(label: string, baseline: Baseline): Promise<Figures> {
  process.stderr.write(`[bench] ${label}\n`);
  await sleep(config.warmup_s * 1000);
  return figures(await steadyWindow(config.window_s), baseline);
}

async function measureRuns() {
  const rtmp = await startRtmpServer();
  let server: TestServer | undefined;
  const publishers: SyntheticPublisher[] = [];
  try {
    server = await startTestServer({ LOG_LEVEL: 'warn' });
    await api(server, '/v1/rooms', { name: ROOM });
    for (let i = 0; i < config.publishers; i++) {
      publishers.push(await SyntheticPublisher.start(server.sfu.room(ROOM), { identity: `pub-${i + 1}`, name: `Publisher ${i + 1}`, video: config.video }));
    }
    await sleep(config.warmup_s * 1000);
    process.stderr.write('[bench] baseline: publishers, no egress\n');
    const b = await steadyWindow(config.window_s);
    const baseline: Baseline = {
      node_cores: r3(b.window.cores(ofKind('node'))),
      sfu_worker_cores: r3(b.window.cores(ofKind('sfu_worker'))),
      publishers_cores: r3(b.window.cores(ofKind('publisher'))),
      machine_busy_cores: b.machineBusyCores,
    };
    await api(server, `/v1/rooms/${ROOM}/rtmp_broadcasts`, {
      broadcasts: [{ name: 'nginx', stream_url: rtmp.appUrl(), stream_key: 'hls-cpu' }],
      layout: config.layout,
      quality: config.quality,
    });
    const rtmpAlone = await run('(a) RTMP alone, 720p', baseline);
    const single = await startLiveStream(server, [config.quality]);
    const rtmpPlusHls = await run('(b) RTMP + HLS, 720p rendition only', baseline);
    await api(server, `/v1/live_streams/${single}/stop`);
    await waitUntilGone(ofKind('hls_remux'));
    // (a) again: (b) is compared with the mean of the windows either side of it, so a drift of the
    // host's speed (or of the other work on it) during the three windows mostly cancels.
    const rtmpAgain = await run("(a') RTMP alone again", baseline);
    await api(server, `/v1/rooms/${ROOM}/rtmp_broadcasts/stop`);
    await waitUntilGone(isEgressFfmpeg);
    const ladder = await startLiveStream(server);
    const hlsLadder = await run(`(c) HLS alone, default ladder (${config.ladder.join(' + ')})`, baseline);
    await api(server, `/v1/live_streams/${ladder}/stop`);
    await waitUntilGone(isEgressFfmpeg);
    // Right after the runs, publishers still on: the same host speed and background load.
    const floors: Record<string, FloorResult & { machine_busy_cores: number }> = {};
    for (const q of config.ladder) {
      process.stderr.write(`[bench] floor: bare ${q} encode on lavfi input\n`);
      // The machine's busy cores over the floor's windows: near nproc, the encode was starved and reads low.
      const [busy0, t0] = [machineBusySeconds(), performance.now()];
      const floor = await measureFloor(qualityPreset(q), 3, config.window_s);
      floors[q] = { ...floor, machine_busy_cores: r3((machineBusySeconds() - busy0) / ((performance.now() - t0) / 1000)) };
    }
    return { baseline, rtmpAlone, rtmpPlusHls, rtmpAgain, hlsLadder, floors };
  } finally {
    await Promise.all(publishers.map((p) => p.stop()));
    await server?.close();
    await rtmp.stop();
  }
}

/** The two targets of issue 10, from the runs. */
function compare(r: Awaited<ReturnType<typeof measureRuns>>) {
  const [a1, a2, b, c] = [r.rtmpAlone, r.rtmpAgain, r.rtmpPlusHls, r.hlsLadder];
  // (a) as the mean of its two windows, either side of (b).
  const a = (f: (x: Figures) => number): number => (f(a1) + f(a2)) / 2;
  const floorSum = Object.values(r.floors).reduce((n, f) => n + f.encode_only_cpu_cores, 0);
  // The composite: what (a) spends besides its encode and relay (decoders + Node compositing).
  const composite = a((x) => x.egress_cpu_cores - x.breakdown_cores.encoders - x.breakdown_cores.relays);
  const ladderCost = c.egress_cpu_cores - composite;
  return {
    hls_added_to_rtmp: {
      target: 'at most 0.05 core (no extra encode at 720p)',
      egress_difference_cores: r3(b.egress_cpu_cores - a((x) => x.egress_cpu_cores)),
      direct_cores: r3(b.breakdown_cores.hls_remux + b.breakdown_cores.node_delta - a((x) => x.breakdown_cores.node_delta)),
      encoders_difference_cores: r3(b.breakdown_cores.encoders - a((x) => x.breakdown_cores.encoders)),
    },
    ladder_vs_bare_encodes: {
      target: 'ladder (encodes + remuxes + packager) at most 1.15x the sum of bare encodes, plus the composite',
      sum_of_bare_encodes_cores: r3(floorSum),
      composite_cores_from_a: r3(composite),
      ladder_cost_cores: r3(ladderCost),
      ladder_in_bare_encodes: r3(ladderCost / floorSum),
      encoders_only_in_bare_encodes: r3(c.breakdown_cores.encoders / floorSum),
    },
  };
}

const METHOD = {
  cpu: 'utime+stime of every descendant from /proc/<pid>/stat every 500 ms over a steady window (warmup_s after the start), last sample minus first; cores = CPU s / wall s (bench/procstat.ts)',
  egress_cpu_cores: 'encoders + decoders + relays + hls_remux + other egress FFmpeg + node_delta (server process minus baseline.node_cores: compositor, mixer, fan-out, HLS packager)',
  floors: 'measureFloor (bench/floor.ts) per rendition after the runs, publishers still on: encoderArgs(preset) on lavfi testsrc2 + sine; encode_only = minus the lavfi sources alone. The 360p floor encodes 360p input (the ladder scales 720p down in its encoder)',
  composite: '(a) egress minus its encoder and relay: decoders + Node compositing',
  rtmp_alone: 'the targets use the mean of rtmp_alone and rtmp_alone_again, the windows before and after rtmp_plus_hls_720p',
};

test('hls cpu benchmark', async () => {
  const startedAt = new Date();
  const machine = machineInfo();
  const loadAtStart = load();
  const runs = await measureRuns();
  const result = {
    benchmark: 'hls-cpu',
    started_at: startedAt.toISOString(),
    duration_s: Math.round((Date.now() - startedAt.getTime()) / 1000),
    config,
    machine: { ...machine, loadavg_1_5_15m_at_start: loadAtStart, loadavg_1_5_15m_at_end: load() },
    method: METHOD,
    baseline: runs.baseline,
    runs: { rtmp_alone: runs.rtmpAlone, rtmp_plus_hls_720p: runs.rtmpPlusHls, rtmp_alone_again: runs.rtmpAgain, hls_ladder: runs.hlsLadder },
    floors: runs.floors,
    targets: compare(runs),
  };
  saveResult('hls-cpu', result, result.started_at);
  const left = sampleDescendants(process.pid).filter((s) => /ffmpeg|nginx/.test(s.cmdline));
  if (left.length) process.stderr.write(`[bench] processes left behind: ${left.map((s) => s.pid).join(' ')}\n`);
});

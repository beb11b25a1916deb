import { execFileSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SyntheticPublisher } from '@roomcast/egress';
import { DEFAULT_SEND_QUEUE_LIMITS } from '../apps/server/src/rtms/SendQueue.js';
import { monotonicMs, RtpOnsetRecorder } from './beepOnsets.js';
import { sleep } from './floor.js';
import { type BenchContext, latencySummary, startStream, stopStream } from './mediaStreamsContext.js';
import { StalledApp } from './stalledApp.js';

export interface StallConfig {
  warmup_s: number;
  before_s: number;
  /** The stall lasts until drops have gone on for `after_first_drop_s`, or `max_s` at most. */
  after_first_drop_s: number;
  max_s: number;
}

// A full collection before each heap reading: what the server retains, not what awaits the collector.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const MB = 2 ** 20;
const r2 = (n: number): number => Math.round(n * 100) / 100;

function memoryMb() {
  const m = process.memoryUsage();
  return { rss: r2(m.rss / MB), heap_used: r2(m.heapUsed / MB), external: r2(m.external / MB) };
}

function retainedMb() {
  gc();
  const m = process.memoryUsage();
  return { heap_used_plus_external: r2((m.heapUsed + m.external) / MB), rss: r2(m.rss / MB) };
}

/** roomcast_media_stream_dropped_frames_total by kind, from GET /metrics. */
async function droppedFrames(ctx: BenchContext): Promise<Record<string, number>> {
  const text = await (await ctx.server.api('/metrics', { auth: false })).text();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^roomcast_media_stream_dropped_frames_total\{kind="(\w+)"\} (\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
}
const sum = (counts: Record<string, number>): number => Object.values(counts).reduce((a, b) => a + b, 0);

/** The kernel's queues of one loopback TCP connection (ss): the server's unsent bytes, the app's unread ones. */
function kernelQueues(clientPort: number | undefined) {
  if (!clientPort) return null;
  try {
    const out = execFileSync('ss', ['-tnH', 'state', 'established', `( sport = :${clientPort} or dport = :${clientPort} )`], { encoding: 'utf8' });
    const result = { server_send_q_bytes: 0, app_recv_q_bytes: 0 };
    for (const line of out.trim().split('\n')) {
      const [recvQ, sendQ, local] = line.trim().split(/\s+/);
      if (local?.endsWith(`:${clientPort}`)) result.app_recv_q_bytes = Number(recvQ);
      else result.server_send_q_bytes = Number(sendQ);
    }
    return result;
  } catch {
    return null;
  }
}

async function connections(ctx: BenchContext, streamId: string): Promise<number> {
  return ((await (await ctx.server.api(`/v1/media_streams/${streamId}`)).json()) as { connections: number }).connections;
}

/**
 * One app stops reading its media socket while the others (the CPU phase's apps, still connected)
 * read on; a fifth participant beeps so the others' latency can be measured before and during.
 */
export async function stallPhase(ctx: BenchContext, config: StallConfig, readingApps: string[]) {
  const beeper = await SyntheticPublisher.start(ctx.server.sfu.room(ctx.room), { identity: 'beep-s', name: 'Beep S', video: false, avMarks: true });
  const recorder = await RtpOnsetRecorder.start(beeper.audioProducer!);
  const stream = await startStream(ctx, 'stalled');
  const app = await StalledApp.connect(stream.credentials);
  try {
    await sleep(config.warmup_s * 1000);
    const before = { from: monotonicMs(), bytes: app.bytes, memory: [memoryMb()] };
    const memoryTimer = setInterval(() => before.memory.push(memoryMb()), 500);
    await sleep(config.before_s * 1000);
    clearInterval(memoryTimer);
    const beforeTo = monotonicMs();
    const bytesPerS = (app.bytes - before.bytes) / ((beforeTo - before.from) / 1000);
    // The window's last beeps reach the apps before the GC (which stops the event loop) runs.
    await sleep(1000);
    const retainedBefore = retainedMb();
    const dropped0 = await droppedFrames(ctx);

    app.stall();
    const stallFrom = monotonicMs();
    const during = await watchStall(ctx, config, stream.id, sum(dropped0));
    const stallTo = monotonicMs();
    await sleep(1000);
    const kernel = kernelQueues(app.mediaLocalPort);
    const retainedEnd = retainedMb();
    const dropped1 = await droppedFrames(ctx);
    app.resume();
    await sleep(3000);

    const rtp = new Map([['Beep S', recorder.onsets]]);
    const onsets = ctx.apps.onsets.filter((o) => readingApps.includes(o.key) && o.user === 'Beep S');
    // Windows select beeps by their RTP onset: a beep delayed by the GC or `ss` between them is in neither.
    const beforeLatency = latencySummary(rtp, onsets, ctx.wallMinusMonotonic, { from: before.from, to: beforeTo });
    const duringLatency = latencySummary(rtp, onsets, ctx.wallMinusMonotonic, { from: stallFrom, to: stallTo });
    const bound = DEFAULT_SEND_QUEUE_LIMITS.highWaterBytes + DEFAULT_SEND_QUEUE_LIMITS.maxQueuedBytes;
    const peak = (key: 'rss' | 'heap_used' | 'external', samples: ReturnType<typeof memoryMb>[]) => Math.max(...samples.map((s) => s[key]));
    const mean = (key: 'rss' | 'heap_used' | 'external', samples: ReturnType<typeof memoryMb>[]) => r2(samples.reduce((n, s) => n + s[key], 0) / samples.length);
    return {
      stall_s: r2((stallTo - stallFrom) / 1000),
      stalled_app_bytes_per_s_before: Math.round(bytesPerS),
      unbounded_queue_would_hold_mb: r2((bytesPerS * (stallTo - stallFrom)) / 1000 / MB),
      queue_bound_mb: r2(bound / MB),
      queue_limits: DEFAULT_SEND_QUEUE_LIMITS,
      first_drop_after_s: during.firstDropAt === undefined ? null : r2((during.firstDropAt - stallFrom) / 1000),
      dropped_frames_during_stall: Object.fromEntries(Object.entries(dropped1).map(([k, v]) => [k, v - (dropped0[k] ?? 0)])),
      server_closed_stalled_socket_after_s: during.closedAt === undefined ? null : r2((during.closedAt - stallFrom) / 1000),
      media_dropped_events_read_after_resume: app.droppedEvents.length,
      stalled_media_socket_close_code: app.mediaCloseCode ?? null,
      kernel_queues_at_stall_end: kernel,
      memory_mb: {
        retained_after_gc: { before_stall: retainedBefore, at_stall_end: retainedEnd },
        retained_growth: r2(retainedEnd.heap_used_plus_external - retainedBefore.heap_used_plus_external),
        rss_growth_after_gc: r2(retainedEnd.rss - retainedBefore.rss),
        sampled_every_500ms: {
          before: { rss_mean: mean('rss', before.memory), heap_used_mean: mean('heap_used', before.memory), external_mean: mean('external', before.memory) },
          during: { rss_peak: peak('rss', during.memory), heap_used_peak: peak('heap_used', during.memory), external_peak: peak('external', during.memory) },
        },
      },
      other_apps_latency: { apps: readingApps.length, before: beforeLatency, during_stall: duringLatency },
    };
  } finally {
    app.close();
    await stopStream(ctx, stream.id);
    await recorder.stop();
    await beeper.stop();
  }
}

/** Samples memory while stalled; polls the dropped counter and the stream's connections every 2 s. */
async function watchStall(ctx: BenchContext, config: StallConfig, streamId: string, dropped0: number) {
  const memory = [memoryMb()];
  const started = monotonicMs();
  let firstDropAt: number | undefined;
  let closedAt: number | undefined;
  for (let tick = 1; ; tick++) {
    await sleep(500);
    memory.push(memoryMb());
    const now = monotonicMs();
    if (tick % 4 === 0) {
      if (firstDropAt === undefined && sum(await droppedFrames(ctx)) > dropped0) firstDropAt = now;
      if (closedAt === undefined && (await connections(ctx, streamId)) === 0) closedAt = now;
    }
    const dropsLongEnough = firstDropAt !== undefined && now - firstDropAt >= config.after_first_drop_s * 1000;
    if (dropsLongEnough || now - started >= config.max_s * 1000) return { memory, firstDropAt, closedAt };
  }
}

/**
 * EGRESS_PROCESS=child against inline (issue 13's target: "with ROOMCAST_ROLE=all and no Redis,
 * nothing gets slower"): the same room, the same 720p broadcast to nginx-rtmp, side by side in one
 * run, alternating. CPU of the whole process tree (server, egress process, FFmpeg, workers) with
 * the broadcast minus without it; the time from the API call until nginx publishes the stream; the
 * egress process's own memory. Output: JSON on stdout and in bench/results/.
 */
import { test } from 'vitest';
import { SyntheticPublisher } from '@roomcast/egress';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { startRtmpServer } from '../test/support/rtmpServer.js';
import { sleep } from './floor.js';
import { machineInfo } from './machine.js';
import { sampleDescendants, sampleProcess, type ProcSample } from './procstat.js';
import { saveResult } from './results.js';

const env = process.env;
const config = {
  publishers: Number(env.BENCH_PUBLISHERS ?? 2),
  quality: '720p' as const,
  repeats: Number(env.BENCH_REPEATS ?? 2),
  warmup_s: Number(env.BENCH_WARMUP_S ?? 5),
  window_s: Number(env.BENCH_WINDOW_S ?? 10),
};
const r3 = (n: number): number => Math.round(n * 1000) / 1000;
const tree = (): ProcSample[] => [...sampleDescendants(process.pid), sampleProcess(process.pid)!];
const cpuOf = (samples: ProcSample[]): Map<string, number> => new Map(samples.map((s) => [s.key, s.cpuS]));

/** Cores used by the whole tree over `seconds` (processes that started meanwhile count from 0). */
async function treeCores(seconds: number): Promise<number> {
  const first = cpuOf(tree());
  const started = performance.now();
  await sleep(seconds * 1000);
  const wall = (performance.now() - started) / 1000;
  let used = 0;
  for (const [key, cpu] of cpuOf(tree())) used += cpu - (first.get(key) ?? 0);
  return used / wall;
}

async function run(mode: 'inline' | 'child', rtmpUrl: string, isLive: () => Promise<boolean>) {
  const server: TestServer = await startTestServer({ EGRESS_PROCESS: mode, LOG_LEVEL: 'warn' });
  const publishers: SyntheticPublisher[] = [];
  try {
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'bench' } });
    for (let i = 0; i < config.publishers; i++) publishers.push(await SyntheticPublisher.start(server.sfu.room('bench'), { identity: `p${i}`, name: `P${i}` }));
    await sleep(2000);
    const baseline = await treeCores(config.window_s);
    const calledAt = performance.now();
    const response = await server.api('/v1/rooms/bench/rtmp_broadcasts', { method: 'POST', body: { quality: config.quality, broadcasts: [{ name: 'main', stream_url: rtmpUrl }] } });
    if (response.status !== 201) throw new Error(`start: ${response.status} ${await response.text()}`);
    while (!(await isLive())) await sleep(20);
    const liveMs = performance.now() - calledAt;
    await sleep(config.warmup_s * 1000);
    const withBroadcast = await treeCores(config.window_s);
    const egressPid = server.egressLink?.endpoint?.pid;
    const egressNodeRssMb = egressPid ? (sampleProcess(egressPid)?.rssKb ?? 0) / 1024 : null;
    await server.api('/v1/rooms/bench/rtmp_broadcasts/stop', { method: 'POST' });
    return { mode, start_to_live_ms: Math.round(liveMs), baseline_cores: r3(baseline), with_broadcast_cores: r3(withBroadcast), egress_cores: r3(withBroadcast - baseline), egress_process_rss_mb: egressNodeRssMb && Math.round(egressNodeRssMb) };
  } finally {
    for (const publisher of publishers) await publisher.stop();
    await server.close();
  }
}

test('egress process: child against inline', async () => {
  const rtmp = await startRtmpServer();
  const stream = 'bench-egress-process';
  const runs: Array<Awaited<ReturnType<typeof run>>> = [];
  try {
    for (let i = 0; i < config.repeats; i++) {
      for (const mode of ['inline', 'child'] as const) {
        runs.push(await run(mode, rtmp.rtmpUrl(stream), async () => (await rtmp.liveStreams()).includes(stream)));
        await sleep(1000);
      }
    }
  } finally {
    await rtmp.stop();
  }
  const mean = (mode: string, key: 'egress_cores' | 'start_to_live_ms') => {
    const of = runs.filter((r) => r.mode === mode).map((r) => r[key]);
    return r3(of.reduce((a, b) => a + b, 0) / of.length);
  };
  const result = {
    bench: 'egress-process',
    machine: machineInfo(),
    config,
    method: 'whole process tree CPU (utime+stime of this process and every descendant) over window_s with the broadcast, minus the same with publishers only; start_to_live_ms: POST rtmp_broadcasts until nginx-rtmp lists the stream',
    runs,
    summary: {
      egress_cores: { inline: mean('inline', 'egress_cores'), child: mean('child', 'egress_cores') },
      start_to_live_ms: { inline: mean('inline', 'start_to_live_ms'), child: mean('child', 'start_to_live_ms') },
    },
  };
  saveResult('egress-process', result);
});

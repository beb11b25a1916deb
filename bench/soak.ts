/**
 * Soak benchmark (not a test: it asserts nothing). A long broadcast with churn: two participants
 * stay, a third joins and leaves every SOAK_CHURN_S seconds under a new name each time, and the
 * server process's RSS and V8 heap (after a full GC) are sampled once per cycle. The JSON gives
 * both slopes, so a per-participant leak (listeners, maps, timers, name cards) shows as a number.
 * Run: pnpm -s bench:soak   (see bench/README.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { test } from 'vitest';
import { SyntheticPublisher } from '@roomcast/egress';
import { startTestServer } from '../apps/server/src/testServer.js';
import { startRtmpServer } from '../test/support/rtmpServer.js';
import { sleep } from './floor.js';
import { machineInfo } from './machine.js';

const env = process.env;
const config = {
  duration_s: Number(env.SOAK_DURATION_S ?? 1800),
  churn_s: Number(env.SOAK_CHURN_S ?? 30),
  quality: (env.SOAK_QUALITY ?? '720p') as '720p',
  video: { width: 320, height: 240, fps: 30 },
};
const ROOM = 'soak';

/** A full, synchronous GC: without it the heap figure is mostly garbage not yet collected. */
function fullGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

interface Sample {
  cycle: number;
  t_s: number;
  rss_mb: number;
  heap_used_mb: number;
}

function sampleMemory(cycle: number, startedAt: number): Sample {
  fullGc();
  const { rss, heapUsed } = process.memoryUsage();
  const mb = (bytes: number) => Math.round((bytes / 2 ** 20) * 100) / 100;
  return { cycle, t_s: Math.round((Date.now() - startedAt) / 1000), rss_mb: mb(rss), heap_used_mb: mb(heapUsed) };
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

/** Slopes over the second half only: the first cycles warm caches and JIT, which is not a leak. */
function summarize(samples: Sample[]) {
  const steady = samples.slice(Math.floor(samples.length / 2));
  const per = (key: 'rss_mb' | 'heap_used_mb', x: 'cycle' | 't_s') => slope(steady.map((s) => [s[x], s[key]]));
  const r4 = (v: number) => Math.round(v * 10_000) / 10_000;
  return {
    cycles: samples.length - 1,
    rss_mb: { first: samples[0]?.rss_mb, last: samples.at(-1)?.rss_mb, max: Math.max(...samples.map((s) => s.rss_mb)) },
    heap_used_mb: { first: samples[0]?.heap_used_mb, last: samples.at(-1)?.heap_used_mb },
    steady_slope: {
      rss_mb_per_cycle: r4(per('rss_mb', 'cycle')),
      heap_mb_per_cycle: r4(per('heap_used_mb', 'cycle')),
      rss_mb_per_hour: r4(per('rss_mb', 't_s') * 3600),
      heap_mb_per_hour: r4(per('heap_used_mb', 't_s') * 3600),
    },
  };
}

test('soak: a long broadcast with a participant joining and leaving', async () => {
  const rtmp = await startRtmpServer();
  const server = await startTestServer({ LOG_LEVEL: 'warn' });
  const stayers: SyntheticPublisher[] = [];
  const samples: Sample[] = [];
  try {
    await server.api('/v1/rooms', { method: 'POST', body: { name: ROOM } });
    const room = server.sfu.room(ROOM);
    for (const name of ['Host', 'Guest']) stayers.push(await SyntheticPublisher.start(room, { identity: name, name, video: config.video }));
    const body = { quality: config.quality, layout: 'grid', broadcasts: [{ name: 'soak', stream_url: rtmp.appUrl(), stream_key: 'soak' }] };
    const started = await server.api(`/v1/rooms/${ROOM}/rtmp_broadcasts`, { method: 'POST', body });
    if (started.status !== 201) throw new Error(`broadcast did not start: ${started.status} ${await started.text()}`);
    const startedAt = Date.now();
    await sleep(5000);
    samples.push(sampleMemory(0, startedAt));
    for (let cycle = 1; Date.now() - startedAt < config.duration_s * 1000; cycle++) {
      const name = `Visitor ${cycle}`;
      const visitor = await SyntheticPublisher.start(room, { identity: `visitor-${cycle}`, name, video: config.video });
      await sleep((config.churn_s * 1000) / 2);
      await visitor.stop();
      await sleep((config.churn_s * 1000) / 2);
      samples.push(sampleMemory(cycle, startedAt));
      process.stderr.write(`soak: cycle ${cycle} rss ${samples.at(-1)!.rss_mb} MB heap ${samples.at(-1)!.heap_used_mb} MB\n`);
    }
  } finally {
    for (const publisher of stayers) await publisher.stop();
    await server.close();
    await rtmp.stop();
  }
  const result = { benchmark: 'soak', at: new Date().toISOString(), machine: machineInfo(), config, ...summarize(samples), samples };
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}soak-${result.at.replace(/[:.]/g, '-')}.json`, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
});

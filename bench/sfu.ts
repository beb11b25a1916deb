/**
 * SFU fan-out benchmark (not a test: it asserts nothing). One ~300 kbps VP8 publisher (a paced
 * RTP generator in this process) and N synthetic subscribers (PlainTransport consumers into UDP
 * sinks on loopback, no browsers), stepped up; per step, packet loss measured exactly (every
 * packet carries its index) and the mediasoup workers' CPU from /proc/<pid>/stat. Phase
 * `one_worker`: the room on one worker. Phase `two_workers`: the same room with
 * SFU_CONSUMERS_PER_WORKER = N/2, so half the subscribers sit on a router of the room on the
 * second worker, fed with pipeToRouter. See bench/README.md.
 * Run: pnpm -s bench:sfu   (vitest is only the TypeScript runner; stdout is the JSON).
 */
import { readFileSync } from 'node:fs';
import { test } from 'vitest';
import { type ms, type Room, Sfu } from '@roomcast/sfu';
import { addPlainSubscriber, type PlainSubscriber, until } from '../packages/sfu/src/testing/plainSubscriber.js';
import { UdpSink, VP8_300KBPS, Vp8RtpSender, vp8RtpParameters } from '../packages/sfu/src/testing/rtpLoad.js';
import { machineInfo } from './machine.js';
import { machineBusySeconds, sampleProcess } from './procstat.js';
import { loadAverages, saveResult } from './results.js';

const env = process.env;
const config = {
  steps: (env.BENCH_SFU_STEPS ?? '100,200,300,500,700').split(',').map(Number),
  warmup_s: Number(env.BENCH_WARMUP_S ?? 3),
  window_s: Number(env.BENCH_WINDOW_S ?? 10),
  /** Subscribers per UDP sink socket (each sink is one socket with a 4 MB receive buffer). */
  subscribers_per_sink: Number(env.BENCH_SUBSCRIBERS_PER_SINK ?? 100),
  /** A step losing more than this stops its phase: larger ones only lose more. */
  stop_above_loss: 0.01,
  loss_target: 0.001,
  stream: { ...VP8_300KBPS, kbps: Math.round(((12 + VP8_300KBPS.payloadBytes) * 8 * VP8_300KBPS.packetsPerFrame * VP8_300KBPS.fps) / 1000) },
};
const r3 = (n: number): number => Math.round(n * 1000) / 1000;
const r5 = (n: number): number => Math.round(n * 100000) / 100000;
const load = loadAverages;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string): void => void process.stderr.write(`[bench:sfu] ${line}\n`);

/** Host-wide UDP datagrams the kernel dropped for a full receive buffer (/proc/net/snmp): drops at our sinks, not the SFU's. */
function udpRcvbufErrors(): number {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const [names, values] = lines.map((l) => l.split(/\s+/).slice(1));
  return Number(values?.[names?.indexOf('RcvbufErrors') ?? -1] ?? 0);
}

interface Step {
  subscribers: number;
  threshold: number;
  consumers_per_worker: number[];
  packets_expected_per_subscriber: number;
  loss: number;
  worst_subscriber_loss: number;
  subscribers_with_loss: number;
  worker_cores: number[];
  workers_total_cores: number;
  cpu_per_100_consumers_cores: number;
  /** This process: the RTP generator and the sinks (what a real client would spend elsewhere). */
  bench_process_cores: number;
  machine_busy_cores: number;
  udp_rcvbuf_errors_in_window: number;
  loadavg: number[];
}

/** One room with `n` subscribers on a fresh SFU, measured over one window, then closed. */
async function runStep(n: number, workers: number, threshold: number): Promise<Step> {
  const sfu = await Sfu.create({
    workers: { size: workers, rtcMinPort: 20000, rtcMaxPort: 29999 },
    webRtc: { listenIps: [{ ip: '127.0.0.1' }], initialAvailableOutgoingBitrate: 1_000_000, mediaTimeoutMs: 30_000 },
    maxRooms: 1,
    consumersPerWorker: threshold,
  });
  const sinks: UdpSink[] = [];
  let sender: Vp8RtpSender | undefined;
  try {
    const room = await sfu.createRoom('bench-sfu');
    room.on('backgroundError', (error, task) => log(`room error (${task}): ${(error as Error).message}`));
    sender = await startPublisher(room);
    const subs = await addSubscribers(room, n, sinks);
    const sinkOf = (i: number): UdpSink => sinks[Math.floor(i / config.subscribers_per_sink)]!;
    // Warm-up: every consumer starts at a keyframe (one a second), then settles.
    await until(() => subs.every((s, i) => sinkOf(i).received(s.transport.tuple.localPort, 0, sender!.sent) > 0), 10_000, 'every subscriber\'s first packet');
    await sleep(config.warmup_s * 1000);
    return await measure(room, subs, sinkOf, sender, sfu.pool.workers, threshold);
  } finally {
    sender?.close();
    sfu.close();
    for (const sink of sinks) sink.close();
  }
}

async function startPublisher(room: Room): Promise<Vp8RtpSender> {
  const pub = room.addParticipant({ identity: 'publisher', name: 'Publisher', role: 'participant', notify: () => {} });
  room.join(pub, room.router.rtpCapabilities);
  const transport = await room.router.createPlainTransport({ listenIp: '127.0.0.1', comedia: true, rtcpMux: true, appData: { direction: 'send' } });
  room.adoptTransport(pub, transport);
  await room.produce(pub, { transportId: transport.id, kind: 'video', rtpParameters: vp8RtpParameters(VP8_300KBPS), source: 'camera' });
  const sender = new Vp8RtpSender(VP8_300KBPS, transport.tuple.localPort);
  sender.start();
  return sender;
}

/** One at a time, each once its consumer exists: the room counts it before placing the next. */
async function addSubscribers(room: Room, n: number, sinks: UdpSink[]): Promise<PlainSubscriber[]> {
  const subs: PlainSubscriber[] = [];
  for (let i = 0; i < n; i++) {
    if (i % config.subscribers_per_sink === 0) sinks.push(await UdpSink.open());
    const sub = await addPlainSubscriber(room, `sub-${i}`, sinks.at(-1)!.port);
    await until(() => sub.participant.consumers.size === 1, 5000, `subscriber ${i}'s consumer`);
    subs.push(sub);
  }
  return subs;
}

async function measure(
  room: Room,
  subs: PlainSubscriber[],
  sinkOf: (i: number) => UdpSink,
  sender: Vp8RtpSender,
  workers: readonly ms.Worker[],
  threshold: number,
): Promise<Step> {
  const cpu0 = workers.map((w) => sampleProcess(w.pid)?.cpuS ?? 0);
  const self0 = process.cpuUsage();
  const [busy0, drops0, t0, from] = [machineBusySeconds(), udpRcvbufErrors(), performance.now(), sender.sent];
  await sleep(config.window_s * 1000);
  const [to, seconds] = [sender.sent, (performance.now() - t0) / 1000];
  const workerCores = workers.map((w, i) => ((sampleProcess(w.pid)?.cpuS ?? 0) - cpu0[i]!) / seconds);
  const self = process.cpuUsage(self0);
  const busy = (machineBusySeconds() - busy0) / seconds;
  // The window's last packets are still on their way: let them land before counting.
  await sleep(500);
  const drops = udpRcvbufErrors() - drops0;
  const expected = to - from;
  const losses = subs.map((s, i) => 1 - sinkOf(i).received(s.transport.tuple.localPort, from, to) / expected);
  const total = workerCores.reduce((a, b) => a + b, 0);
  const perWorker = workers.map((w) => room.routers.routers.filter((r) => room.routers.pool.workerOf(r) === w).reduce((sum, r) => sum + room.routers.consumerCount(r), 0));
  return {
    subscribers: subs.length,
    threshold,
    consumers_per_worker: perWorker,
    packets_expected_per_subscriber: expected,
    loss: r5(losses.reduce((a, b) => a + b, 0) / losses.length),
    worst_subscriber_loss: r5(Math.max(...losses)),
    subscribers_with_loss: losses.filter((l) => l > 0).length,
    worker_cores: workerCores.map(r3),
    workers_total_cores: r3(total),
    cpu_per_100_consumers_cores: r3((total / subs.length) * 100),
    bench_process_cores: r3((self.user + self.system) / 1e6 / seconds),
    machine_busy_cores: r3(busy),
    udp_rcvbuf_errors_in_window: drops,
    loadavg: load(),
  };
}

const failures: Array<{ phase: string; subscribers: number; error: string }> = [];

/** Steps up N until one loses more than `stop_above_loss` (or fails). */
async function phase(name: string, workers: number, threshold: (n: number) => number): Promise<Step[]> {
  const steps: Step[] = [];
  for (const n of config.steps) {
    log(`${name}: ${n} subscribers`);
    const step = await runStep(n, workers, threshold(n)).catch((error: unknown) => {
      // A worker that stops answering (mediasoup's channel timeout) is a result too: the phase ends there.
      failures.push({ phase: name, subscribers: n, error: (error as Error).message });
      return undefined;
    });
    if (!step) break;
    log(`${name}: ${n} subscribers: loss ${step.loss}, workers ${step.worker_cores.join(' + ')} cores`);
    steps.push(step);
    if (step.loss > config.stop_above_loss) break;
  }
  return steps;
}

/** The largest step whose loss, and every smaller step's, stayed under the target. */
function largestClean(steps: Step[]): Step | undefined {
  let best: Step | undefined;
  for (const step of steps) {
    if (step.loss >= config.loss_target) break;
    best = step;
  }
  return best;
}

const METHOD = {
  stream: 'one VP8 RTP stream generated in this process: 30 fps, 2 packets of 637 bytes per frame (~300 kbps, 60 packets/s), a keyframe every second; its packet index in its last 4 bytes',
  subscribers: 'viewers with a PlainTransport receive transport (placed by RoomRouters.forRecv, like a WebRTC one) connected to a UDP socket on loopback; their consumers resumed as announced; added one at a time',
  loss: 'per subscriber: 1 - distinct packet indices received / indices sent in the window (sent between window start and end, counted 500 ms after); loss = mean over subscribers',
  cpu: 'each mediasoup-worker\'s utime+stime from /proc/<pid>/stat over the window; cpu_per_100_consumers_cores = all workers\' cores / subscribers * 100',
  two_workers: 'SFU_CONSUMERS_PER_WORKER = N/2 with 2 workers: the first N/2 subscribers on the main router, the rest on a router of the room on the second worker, fed by pipeToRouter (its pipe consumer counts on the main router)',
  udp_rcvbuf_errors_in_window: 'host-wide UDP RcvbufErrors delta (/proc/net/snmp): datagrams the kernel dropped at a full receive buffer (our sinks), i.e. loss the SFU did not cause',
};

test('sfu benchmark', async () => {
  const startedAt = new Date();
  const machine = machineInfo();
  const oneWorker = await phase('one_worker', 1, () => 0);
  const twoWorkers = await phase('two_workers', 2, (n) => Math.ceil(n / 2));
  const cleanOne = largestClean(oneWorker);
  const cleanTwo = largestClean(twoWorkers);
  const result = {
    benchmark: 'sfu',
    started_at: startedAt.toISOString(),
    duration_s: Math.round((Date.now() - startedAt.getTime()) / 1000),
    config,
    machine: { ...machine, loadavg_1_5_15m_at_end: load() },
    method: METHOD,
    one_worker: oneWorker,
    two_workers: twoWorkers,
    failures,
    summary: {
      consumers_per_worker_under_0_1pct_loss: cleanOne?.subscribers ?? 0,
      cpu_per_100_consumers_cores_one_worker: cleanOne?.cpu_per_100_consumers_cores,
      consumers_on_two_workers_under_0_1pct_loss: cleanTwo?.subscribers ?? 0,
      cpu_per_100_consumers_cores_two_workers: cleanTwo?.cpu_per_100_consumers_cores,
      note: 'a phase stops at the first step over 1% loss; a figure equal to the largest step means the limit was not reached',
    },
  };
  saveResult('sfu', result, result.started_at);
});

import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { EgressService } from '@roomcast/egress';
import type { Sfu } from '@roomcast/sfu';

/**
 * Prometheus metrics, read from the SFU's and the egress's state at scrape time. Things that only
 * ever add up (restarts, dropped frames) are counters, read from running totals kept by their owners.
 */
export function createMetrics(sfu: Sfu, egress: EgressService | undefined): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'roomcast_' });
  const count = (name: string, help: string, read: () => number): void => {
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  };
  const participants = () => [...sfu.rooms.values()].flatMap((room) => [...room.participants.values()]);
  count('roomcast_rooms', 'Open rooms', () => sfu.rooms.size);
  count('roomcast_participants', 'Participants in all rooms', () => participants().length);
  count('roomcast_transports', 'Open transports', () => participants().reduce((n, p) => n + p.transports.size, 0));
  count('roomcast_producers', 'Open producers', () => participants().reduce((n, p) => n + p.producers.size, 0));
  count('roomcast_consumers', 'Open consumers', () => participants().reduce((n, p) => n + p.consumers.size, 0));
  count('roomcast_mediasoup_workers', 'Live mediasoup workers', () => sfu.pool.workers.length);
  total(registry, 'roomcast_mediasoup_worker_restarts', 'mediasoup workers replaced after dying', () => sfu.pool.restarts);
  new Gauge({
    name: 'roomcast_mediasoup_worker_cpu_seconds',
    help: 'CPU time used by each mediasoup worker (user + system)',
    labelNames: ['pid'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const worker of sfu.pool.workers) {
        const usage = await worker.getResourceUsage().catch(() => undefined);
        if (usage) this.set({ pid: String(worker.pid) }, (usage.ru_utime + usage.ru_stime) / 1000);
      }
    },
  });
  // An egress in another process (EGRESS_PROCESS=child) answers for itself (createEgressMetrics).
  if (egress) registerEgressMetrics(registry, egress);
  return registry;
}

/**
 * An egress process's own metrics: its egress, and its process's CPU and memory under
 * `roomcast_egress_` so that the SFU can serve them beside its own without a name clash.
 */
export function createEgressMetrics(egress: EgressService): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'roomcast_egress_' });
  registerEgressMetrics(registry, egress);
  return registry;
}

function registerEgressMetrics(registry: Registry, egress: EgressService): void {
  const composites = () => [...egress.composites.values()];
  new Gauge({
    name: 'roomcast_egress_composites',
    help: 'Rooms being composited (one encode each)',
    registers: [registry],
    collect() {
      this.set(egress.composites.size);
    },
  });
  new Gauge({
    name: 'roomcast_egress_destinations',
    help: 'RTMP(S) destinations by status',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      this.reset();
      for (const relay of composites().flatMap((c) => [...c.relays.values()])) this.inc({ status: relay.status });
    },
  });
  // Over every composite the server ran, ended ones included: a counter never goes down.
  total(registry, 'roomcast_egress_dropped_frames', 'Composite frames dropped because an encoder could not keep up', () => egress.stats().droppedFrames);
  total(registry, 'roomcast_egress_encoder_restarts_total', 'Composite encoders restarted after crashing', () => egress.stats().encoderRestarts);
  total(registry, 'roomcast_egress_decoder_restarts_total', 'Egress decoders that died and were restarted', () => egress.stats().decoderRestarts);
}

/**
 * A counter that follows a running total read at scrape time: it adds what the total gained since
 * the last scrape (prom-client counters only go up; a total that went down adds nothing).
 */
function total(registry: Registry, name: string, help: string, read: () => number): void {
  let counted = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const value = read();
      if (value > counted) this.inc(value - counted);
      counted = Math.max(counted, value);
    },
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedLoopbackPort } from '@roomcast/egress';
import { startTestServer, type TestServer } from './testServer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


/** Restarts and dropped frames are Prometheus counters: typed so, and never going down. */
describe('egress and worker counters in /metrics', () => {
  let server: TestServer;
  const scrape = async () => (await (await server.api('/metrics', { auth: false })).text());
  const valueOf = (text: string, name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, 'm'))?.[1]);

  beforeAll(async () => {
    // The destination refuses and is retried for a long while: the composite stays up meanwhile.
    server = await startTestServer({ EGRESS_ALLOW_PRIVATE_DESTINATIONS: 'true', EGRESS_RETRY_LIMIT: '20', EGRESS_RETRY_BASE_MS: '5000' });
    await server.sfu.createRoom('counted');
  });
  afterAll(async () => {
    await server.close();
  });

  it('types them as counters', async () => {
    const text = await scrape();
    for (const name of ['roomcast_mediasoup_worker_restarts', 'roomcast_egress_dropped_frames', 'roomcast_egress_encoder_restarts_total', 'roomcast_egress_decoder_restarts_total']) {
      expect(text, name).toContain(`# TYPE ${name} counter`);
      expect(valueOf(text, name), name).toBe(0);
    }
  });

  it('keeps counting dropped frames and encoder restarts after the composite has ended', async () => {
    const body = { quality: '360p', broadcasts: [{ name: 'x', stream_url: `rtmp://127.0.0.1:${await closedLoopbackPort()}/live` }] };
    expect((await server.api('/v1/rooms/counted/rtmp_broadcasts', { method: 'POST', body })).status).toBe(201);
    const composite = server.egress.composites.get('counted')!;
    await composite.encoder.firstOutput;
    // A frozen encoder: more than a second of frames queues up and the compositor drops the excess.
    const pid = composite.encoder.ffmpeg.pid!;
    process.kill(pid, 'SIGSTOP');
    await sleep(2500);
    process.kill(pid, 'SIGCONT');
    await expect.poll(async () => valueOf(await scrape(), 'roomcast_egress_dropped_frames')).toBeGreaterThan(10);
    process.kill(pid, 'SIGKILL');
    await expect.poll(async () => valueOf(await scrape(), 'roomcast_egress_encoder_restarts_total'), { timeout: 5000 }).toBe(1);
    const during = valueOf(await scrape(), 'roomcast_egress_dropped_frames');

    expect((await server.api('/v1/rooms/counted/rtmp_broadcasts/stop', { method: 'POST' })).status).toBe(200);
    expect(server.egress.composites.size).toBe(0);
    const after = await scrape();
    expect(valueOf(after, 'roomcast_egress_dropped_frames')).toBeGreaterThanOrEqual(during);
    expect(valueOf(after, 'roomcast_egress_encoder_restarts_total')).toBe(1);
  });
});

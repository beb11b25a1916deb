import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveStreamActor, WebhookEventType } from '@roomcast/protocol';
import type { Sfu } from '@roomcast/sfu';
import { EgressService } from '../EgressService.js';
import { SyntheticPublisher } from '../synthetic/SyntheticPublisher.js';
import { decoderChildren, ffmpegChildren } from '../testing/childProcesses.js';
import { startTestEgress, type TestEgress } from '../testing/testEgress.js';
import { silentIngest } from '../testing/silentIngest.js';

const API: LiveStreamActor = { type: 'api', identity: null };

/** The x264 encodes this process runs (the publisher sends VP8; relays and HLS remuxes copy). */
const encoders = () => ffmpegChildren().filter((p) => p.argv.includes('libx264'));
const scaledTo = (size: string) => encoders().filter((p) => p.argv.includes(`scale=${size}`));

describe('an ABR ladder: one composite, one encode per quality (real worker, FFmpeg, HLS packager)', () => {
  let sfu: Sfu;
  let egress: EgressService;
  let test: TestEgress | undefined;
  let publisher: SyntheticPublisher;
  const events: Array<{ type: WebhookEventType; data: Record<string, unknown> }> = [];

  beforeAll(async () => {
    test = await startTestEgress({
      portBase: 44200,
      // Fast restarts: a killed encode is back within 50 ms.
      egress: { encoderRestart: { initialDelayMs: 50, maxDelayMs: 50, healthyAfterMs: 60_000, maxRestarts: 3, windowMs: 60_000 } },
    });
    ({ sfu, egress } = test);
    egress.on('event', (_room, type, data) => events.push({ type, data }));
    const room = await sfu.createRoom('ladder');
    publisher = await SyntheticPublisher.start(room, { identity: 'alice', name: 'Alice' });
  });

  afterAll(async () => {
    await publisher?.stop();
    await test?.close();
  });

  it('RTMP at 480p plus HLS 480p/360p: one compositor, two encodes; a crash restarts one; stopping the HLS stops only the lower encode', async () => {
    const ingest = await silentIngest();
    try {
      await egress.startBroadcasts('ladder', { quality: '480p', broadcasts: [{ name: 'rtmp', stream_url: ingest.url }] });
      const composite = egress.composites.get('ladder')!;
      const topPid = composite.encoder.ffmpeg.pid;
      const live = egress.liveStreams;
      const stream = await live.start('ladder', { renditions: ['360p', '480p'] }, API);
      expect(stream.renditions).toEqual(['480p', '360p']);
      await expect.poll(() => live.get(stream.id).status, { timeout: 15_000, interval: 50 }).toBe('running');

      // One composite (one set of decoders: the publisher's video and audio), two encodes.
      expect(egress.composites.size).toBe(1);
      // (Decoders start once the publisher's RTP is seen, which may be after the first part.)
      await expect.poll(() => decoderChildren().length, { timeout: 10_000 }).toBe(2);
      expect(encoders()).toHaveLength(2);
      expect(composite.encodes.qualities).toEqual(['480p', '360p']);
      const [lower] = scaledTo('640:360');
      // The lower encode reads the composite's 854x480 pictures and scales them itself.
      expect(lower?.argv[lower.argv.indexOf('-s') + 1]).toBe('854x480');
      const playback = live.playback(stream.id)!;
      for (const name of ['480p', '360p']) {
        await expect.poll(() => playback.rendition(name)!.playlist(), { timeout: 5000 }).toContain('#EXT-X-PART:');
      }
      const master = playback.master()!;
      expect(master.match(/RESOLUTION=\d+x\d+/g)).toEqual(['RESOLUTION=854x480', 'RESOLUTION=640x360']);

      // The lower encode crashes: it alone restarts, the top one and the relay never notice.
      const restartsBefore = composite.stats().encoderRestarts;
      process.kill(lower!.pid, 'SIGKILL');
      await expect.poll(() => scaledTo('640:360').map((p) => p.pid), { timeout: 5000 }).not.toEqual([lower!.pid]);
      await expect.poll(() => composite.stats().encoderRestarts, { timeout: 5000 }).toBe(restartsBefore + 1);
      // Its rendition goes on from the new encoder (whose first output is when a restart would be announced).
      const low = playback.rendition('360p')!;
      const edge = JSON.stringify(low.edge());
      await expect.poll(() => JSON.stringify(low.edge()), { timeout: 5000 }).not.toBe(edge);
      expect(composite.encoder.ffmpeg.pid).toBe(topPid);
      expect(events.filter((e) => e.type.startsWith('rtmp_broadcast.updated'))).toEqual([]);
      expect(live.get(stream.id).status).toBe('running');

      // The HLS stops: its lower encode stops with it; RTMP keeps the composite and the top encode.
      await live.stop(stream.id, API);
      await expect.poll(() => encoders().map((p) => p.pid), { timeout: 5000 }).toEqual([topPid]);
      expect(egress.composites.get('ladder')).toBe(composite);
      expect(composite.encodes.qualities).toEqual(['480p']);
      expect(composite.relays.get('rtmp')?.status).toBe('starting');
      // Counters never go down when an encode goes.
      expect(composite.stats().encoderRestarts).toBe(restartsBefore + 1);

      await egress.stopAll('ladder');
      expect(egress.composites.size).toBe(0);
      await expect.poll(() => ffmpegChildren().filter((p) => p.pid !== publisher.pid), { timeout: 5000 }).toEqual([]);
    } finally {
      await ingest.close();
    }
  });

  it('a lower encode that keeps dying fails the live stream with the reason; RTMP and the top encode go on', async () => {
    const ingest = await silentIngest();
    try {
      await egress.startBroadcasts('ladder', { quality: '480p', broadcasts: [{ name: 'rtmp', stream_url: ingest.url }] });
      const composite = egress.composites.get('ladder')!;
      const topPid = composite.encoder.ffmpeg.pid;
      const live = egress.liveStreams;
      const stream = await live.start('ladder', {}, API);
      expect(stream.renditions).toEqual(['480p', '360p']);
      await expect.poll(() => live.get(stream.id).status, { timeout: 15_000, interval: 50 }).toBe('running');
      // maxRestarts is 3: the fourth crash is one too many.
      for (let crash = 0; crash < 4; crash++) {
        const [lower] = scaledTo('640:360');
        process.kill(lower!.pid, 'SIGKILL');
        if (crash < 3) await expect.poll(() => scaledTo('640:360').map((p) => p.pid)[0] ?? lower!.pid, { timeout: 5000 }).not.toBe(lower!.pid);
      }
      await expect.poll(() => live.get(stream.id).status, { timeout: 5000 }).toBe('failed');
      expect(live.get(stream.id).error).toBe('the encoder failed repeatedly');
      expect(egress.composites.get('ladder')).toBe(composite);
      expect(composite.encodes.qualities).toEqual(['480p']);
      expect(composite.relays.get('rtmp')?.status).toBe('starting');
      expect(encoders().map((p) => p.pid)).toEqual([topPid]);
      await live.stop(stream.id, API);
      await egress.stopAll('ladder');
      await expect.poll(() => ffmpegChildren().filter((p) => p.pid !== publisher.pid), { timeout: 5000 }).toEqual([]);
    } finally {
      await ingest.close();
    }
  });
});

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveStreamActor, WebhookEventType } from '@roomcast/protocol';
import type { Sfu } from '@roomcast/sfu';
import { EgressService } from '../EgressService.js';
import { SyntheticPublisher } from '../synthetic/SyntheticPublisher.js';
import { ffmpegChildren } from '../testing/childProcesses.js';
import { startTestEgress, type TestEgress } from '../testing/testEgress.js';
import { closedLoopbackPort } from '../testing/loopback.js';
import { silentIngest } from '../testing/silentIngest.js';

const API: LiveStreamActor = { type: 'api', identity: null };

describe('live streams of a composite (real worker, FFmpeg, HLS packager)', () => {
  let sfu: Sfu;
  let egress: EgressService;
  let hlsDir: string;
  let test: TestEgress | undefined;
  let refusing: string;
  let publisher: SyntheticPublisher;
  const events: Array<{ room: string; type: WebhookEventType; data: Record<string, unknown> }> = [];
  const typesOf = (room: string) => events.filter((e) => e.room === room && e.type.startsWith('live_stream.')).map((e) => e.type);
  const otherFfmpeg = () => ffmpegChildren().filter((p) => p.pid !== publisher.pid);

  beforeAll(async () => {
    test = await startTestEgress({ portBase: 46400 });
    ({ sfu, egress, hlsDir } = test);
    egress.on('event', (room, type, data) => events.push({ room: room.name, type, data }));
    refusing = `rtmp://127.0.0.1:${await closedLoopbackPort()}/live`;
    const room = await sfu.createRoom('show');
    publisher = await SyntheticPublisher.start(room, { identity: 'alice', name: 'Alice' });
  });

  afterAll(async () => {
    await publisher?.stop();
    await test?.close();
  });

  it('validates before changing anything', async () => {
    const live = egress.liveStreams;
    await expect(live.start('nowhere', {}, API)).rejects.toMatchObject({ code: 'room_not_found' });
    // The ladder only scales down: 720p from a 360p composite is a conflict.
    await expect(live.start('show', { quality: '360p', renditions: ['360p', '720p'] }, API)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('above'),
    });
    expect(egress.composites.size).toBe(0);
    expect(otherFfmpeg()).toEqual([]);
    expect(sfu.room('show').egress).toMatchObject({ broadcasting: false, live_streams: [] });
  });

  it('starting → running at the first part → stopping → stopped, with events and egress state; nothing left', async () => {
    const live = egress.liveStreams;
    const calledAt = performance.now();
    const started = await live.start('show', { quality: '360p', recording: { hls_vod: true } }, API);
    expect(started).toMatchObject({ status: 'starting', renditions: ['360p'], recording: { hls_vod: true, mp4: false, assets: [] } });
    expect(sfu.room('show').egress).toMatchObject({ broadcasting: true, quality: '360p', live_streams: [{ id: started.id, status: 'starting' }] });
    // A second one in the same room, or at another quality: refused, and the first goes on.
    await expect(live.start('show', { quality: '360p' }, API)).rejects.toMatchObject({ code: 'conflict' });
    await expect(live.start('show', { quality: '720p' }, API)).rejects.toMatchObject({ code: 'conflict' });

    await expect.poll(() => live.get(started.id).status, { timeout: 10_000, interval: 20 }).toBe('running');
    console.log(`live stream running ${Math.round(performance.now() - calledAt)} ms after the start call`);
    expect(sfu.room('show').egress.live_streams[0]?.status).toBe('running');
    const rendition = live.playback(started.id)!.rendition('360p')!;
    expect(rendition.playlist()).toContain('#EXT-X-PART:');
    expect(live.playback(started.id)!.master()).toMatch(/RESOLUTION=640x360,CODECS="avc1\.[0-9a-f]{6},mp4a\.40\.2"/);
    expect(typesOf('show')).toEqual(['live_stream.started']);

    const stopped = await live.stop(started.id, API);
    expect(stopped).toMatchObject({ status: 'stopped', stopped_by: API, error: null });
    expect(typesOf('show')).toEqual(['live_stream.started', 'live_stream.stopped']);
    expect(rendition.playlist()).toContain('#EXT-X-ENDLIST');
    expect(sfu.room('show').egress).toMatchObject({ broadcasting: false, live_streams: [] });
    // The composite had no other output: it ended with the live stream.
    expect(egress.composites.size).toBe(0);
    await expect.poll(() => otherFfmpeg(), { timeout: 5000 }).toEqual([]);
    // Recorded: its segments stay on disk (under RECORDINGS_DIR, default <hlsDir>/recordings) and are still served.
    expect((await readdir(join(hlsDir, 'recordings', started.id, '360p'))).some((name) => name.startsWith('seg'))).toBe(true);
    expect(live.playback(started.id)?.rendition('360p')?.file('init.mp4')).toBeDefined();
  });

  it('keeps the composite while any output lives: RTMP stop-all, failed destinations, and the live stream stopping', async () => {
    const live = egress.liveStreams;
    const ingest = await silentIngest();
    try {
      await egress.startBroadcasts('show', { quality: '360p', broadcasts: [{ name: 'rtmp', stream_url: ingest.url }] });
      const composite = egress.composites.get('show')!;
      const encoderPid = composite.encoder.ffmpeg.pid;
      const stream = await live.start('show', {}, API);
      expect(stream.renditions).toEqual(['360p']);
      await expect.poll(() => live.get(stream.id).status, { timeout: 10_000 }).toBe('running');

      // Stop-all of RTMP: the live stream and its composite go on.
      expect(await egress.stopAll('show')).toMatchObject({ broadcasting: true, rtmps: [], live_streams: [{ status: 'running' }] });
      expect(egress.composites.get('show')).toBe(composite);
      // A destination that fails for good does not end a composite a live stream needs.
      await egress.startBroadcasts('show', { broadcasts: [{ name: 'refused', stream_url: refusing }] });
      await expect.poll(() => sfu.room('show').egress.rtmps.map((r) => r.status), { timeout: 10_000 }).toEqual(['failed']);
      expect(egress.composites.get('show')).toBe(composite);
      expect(live.get(stream.id).status).toBe('running');
      expect(composite.encoder.ffmpeg.pid).toBe(encoderPid);

      // The live stream stopping leaves a live RTMP destination (and so the composite) alone.
      await egress.startBroadcasts('show', { broadcasts: [{ name: 'kept', stream_url: ingest.url }] });
      await live.stop(stream.id, API);
      expect(egress.composites.get('show')).toBe(composite);
      expect(composite.relays.get('kept')?.status).toBe('starting');
      expect(sfu.room('show').egress.broadcasting).toBe(true);

      // The last output gone, the composite goes; the failed destination stays listed.
      await egress.stopBroadcast('show', 'kept');
      expect(egress.composites.size).toBe(0);
      expect(sfu.room('show').egress).toMatchObject({ broadcasting: false, live_streams: [] });
      expect(sfu.room('show').egress.rtmps.map((r) => [r.name, r.status])).toEqual([['refused', 'failed']]);
      await egress.stopAll('show');
      await expect.poll(() => otherFfmpeg(), { timeout: 5000 }).toEqual([]);
    } finally {
      await ingest.close();
    }
  });

  it('fails with a reason when the room closes, and leaves nothing running', async () => {
    const room = await sfu.createRoom('doomed');
    const stream = await egress.liveStreams.start('doomed', { quality: '360p' }, API);
    room.close('deleted');
    await expect.poll(() => egress.liveStreams.get(stream.id).status, { timeout: 5000 }).toBe('failed');
    expect(egress.liveStreams.get(stream.id).error).toBe('the room was closed');
    expect(typesOf('doomed')).toEqual(['live_stream.failed']);
    await expect.poll(() => egress.composites.size, { timeout: 5000 }).toBe(0);
    await expect.poll(() => otherFfmpeg(), { timeout: 5000 }).toEqual([]);
    // Not recorded: its directory is gone.
    expect(await readdir(hlsDir)).not.toContain(stream.id);
  });
});

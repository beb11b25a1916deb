import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyntheticPublisher } from '@roomcast/egress';
import type { EgressState } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../apps/server/src/testServer.js';
import { probeStream } from './support/ffprobe.js';
import { waitFor } from './support/ports.js';
import { waitForNoMediaProcesses } from './support/processes.js';
import { type RtmpServer, startRtmpServer } from './support/rtmpServer.js';

interface RoomEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * The composite encoder SIGKILLed during a live broadcast (real nginx-rtmp, FFmpeg, mediasoup):
 * a crash is ridden through without any destination reconnecting; only repeated crashes end it.
 */
describe('a live broadcast whose encoder crashes', () => {
  let rtmp: RtmpServer;
  let server: TestServer;
  let publisher: SyntheticPublisher;
  const events: RoomEvent[] = [];

  const stateOf = async (room: string): Promise<EgressState> =>
    ((await (await server.api(`/v1/rooms/${room}`)).json()) as { room: { egress: EgressState } }).room.egress;
  const composite = () => server.egress.composites.get('show');
  const relayPids = () => [...(composite()?.relays.values() ?? [])].map((relay) => relay.pid);
  const killEncoder = () => process.kill(composite()!.encoder.ffmpeg.pid!, 'SIGKILL');
  const restartEvents = () => events.filter((e) => e.type === 'rtmp_broadcast.updated' && e.data.reason === 'the encoder restarted');

  beforeAll(async () => {
    rtmp = await startRtmpServer();
    server = await startTestServer({ EGRESS_ALLOW_PRIVATE_DESTINATIONS: 'true', EGRESS_RETRY_LIMIT: '2' });
    server.egress.on('event', (_room, type, data) => void events.push({ type, data }));
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'show' } });
    publisher = await SyntheticPublisher.start(server.sfu.room('show'), { identity: 'host', name: 'Host' });
    const broadcasts = ['one', 'two'].map((name) => ({ name, stream_url: rtmp.appUrl(), stream_key: name }));
    expect((await server.api('/v1/rooms/show/rtmp_broadcasts', { method: 'POST', body: { quality: '360p', broadcasts } })).status).toBe(201);
    const live = async () => (await stateOf('show')).rtmps.every((r) => r.status === 'live');
    if (!(await waitFor(live, 15_000))) throw new Error('the destinations did not go live');
  });

  afterAll(async () => {
    await publisher?.stop();
    await server?.close();
    await rtmp?.stop();
  });

  it('restarts the encoder; the destinations stay connected and the stream plays on', async () => {
    const pids = relayPids();
    const encoderPid = composite()!.encoder.ffmpeg.pid;
    killEncoder();
    await expect.poll(() => restartEvents().map((e) => (e.data.broadcast as { name: string }).name).sort(), { timeout: 5000 }).toEqual(['one', 'two']);
    expect(composite()!.encoder.ffmpeg.pid).not.toBe(encoderPid);
    // A player that connects now gets the new encoder's stream through the same relays.
    const probe = await probeStream(rtmp.rtmpUrl('two'), { analyzeDurationMs: 3000 });
    expect(probe.video).toMatchObject({ codec: 'h264', width: 640, height: 360 });
    expect(probe.audio?.codec).toBe('aac');
    expect((await rtmp.liveStreams()).sort()).toEqual(['one', 'two']);
    const state = await stateOf('show');
    expect(state.broadcasting).toBe(true);
    expect(state.rtmps.map((r) => [r.name, r.status, r.retries])).toEqual([
      ['one', 'live', 0],
      ['two', 'live', 0],
    ]);
    expect(relayPids()).toEqual(pids);
  });

  it('fails the broadcast after repeated crashes, listing the destinations with the reason, and leaves nothing running', async () => {
    // The first crash above counts too: three restarts within five minutes are allowed, not four.
    for (let crash = 2; crash <= 3; crash++) {
      killEncoder();
      await expect.poll(() => restartEvents().length, { timeout: 5000 }).toBe(crash * 2);
    }
    killEncoder();
    await expect.poll(() => server.egress.composites.size, { timeout: 5000 }).toBe(0);
    const state = await stateOf('show');
    expect(state.broadcasting).toBe(false);
    expect(state.rtmps.map((r) => [r.name, r.status, r.error])).toEqual([
      ['one', 'failed', 'the encoder failed repeatedly'],
      ['two', 'failed', 'the encoder failed repeatedly'],
    ]);
    expect(events.filter((e) => e.type === 'rtmp_broadcast.failed').map((e) => e.data.reason)).toEqual(['the encoder failed repeatedly', 'the encoder failed repeatedly']);
    expect(await waitFor(async () => (await rtmp.liveStreams()).length === 0, 5000)).toBe(true);
    const left = await waitForNoMediaProcesses({ names: ['ffmpeg'] }, 5000);
    expect(left.filter((p) => p.pid !== publisher.pid)).toEqual([]);
    // The relays were closed by us as the composite ended: they failed, they were not `stopped`.
    expect(events.filter((e) => e.type === 'rtmp_broadcast.stopped')).toEqual([]);

    // A new start on the room works, and replaces the failed destination of the same name.
    const again = await server.api('/v1/rooms/show/rtmp_broadcasts', { method: 'POST', body: { quality: '360p', broadcasts: [{ name: 'one', stream_url: rtmp.appUrl(), stream_key: 'one' }] } });
    expect(again.status).toBe(201);
    await expect.poll(async () => (await stateOf('show')).rtmps.map((r) => [r.name, r.status]), { timeout: 15_000 }).toEqual([
      ['two', 'failed'],
      ['one', 'live'],
    ]);
    expect((await server.api('/v1/rooms/show/rtmp_broadcasts/stop', { method: 'POST' })).status).toBe(200);
    expect((await stateOf('show')).rtmps).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sfu } from '@roomcast/sfu';
import type { EgressState, RtmpBroadcastInfo, WebhookEventType } from '@roomcast/protocol';
import { ALL_DESTINATIONS_FAILED, EgressService } from './EgressService.js';
import { ffmpegChildren } from './testing/childProcesses.js';
import { startTestEgress, type TestEgress } from './testing/testEgress.js';
import { closedLoopbackPort } from './testing/loopback.js';


/** Lets every queued promise continuation run, but no I/O: a spawn cannot complete meanwhile. */
async function drainMicrotasks(): Promise<void> {
  for (let i = 0; i < 100; i++) await Promise.resolve();
}

/** Whether a promise has settled (after the microtasks already queued). */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  void promise.then(() => (done = true), () => (done = true));
  await drainMicrotasks();
  return done;
}

async function noFfmpegLeft(): Promise<void> {
  await expect.poll(() => ffmpegChildren(), { timeout: 5000 }).toEqual([]);
}

describe('EgressService (real worker, FFmpeg; destinations that refuse)', () => {
  let sfu: Sfu;
  let egress: EgressService;
  let refusing: string;
  let test: TestEgress | undefined;
  const events: Array<{ room: string; type: WebhookEventType; data: Record<string, unknown> }> = [];
  const body = (name = 'main') => ({ quality: '360p' as const, broadcasts: [{ name, stream_url: refusing, stream_key: 'k' }] });
  const stateOf = (room: string): EgressState => sfu.room(room).egress;

  beforeAll(async () => {
    test = await startTestEgress({ portBase: 48400, ioTimeoutMs: 2000 });
    ({ sfu, egress } = test);
    egress.on('event', (room, type, data) => events.push({ room: room.name, type, data }));
    refusing = `rtmp://127.0.0.1:${await closedLoopbackPort()}/live`;
  });

  afterAll(async () => {
    await test?.close();
  });

  it('leaves no composite when the room is deleted in the same tick as the start', async () => {
    await sfu.createRoom('doomed');
    const start = egress.startBroadcasts('doomed', body());
    sfu.room('doomed').close('deleted');
    await expect(start).rejects.toMatchObject({ code: 'room_not_found' });
    expect(egress.composites.size).toBe(0);
    await noFfmpegLeft();
  });

  it('leaves no composite when the room is deleted while its encoder is being started', async () => {
    const room = await sfu.createRoom('doomed-later');
    const start = egress.startBroadcasts('doomed-later', body());
    const outcome = start.then(
      () => 'started',
      (error: { code?: string }) => error.code,
    );
    // The start is waiting for its encoder (the socket its output is read from, then the process):
    // the window the race was in. Whatever it made by then must go with the room.
    expect(await settled(outcome)).toBe(false);
    room.close('deleted');
    expect(await outcome).toBe('room_not_found');
    expect(egress.composites.size).toBe(0);
    await noFfmpegLeft();
  });

  it('stop-all while the composite is starting stops it, and the start says so', async () => {
    await sfu.createRoom('hasty');
    const start = egress.startBroadcasts('hasty', body());
    const outcome = start.then(
      () => 'started',
      (error: { code?: string }) => error.code,
    );
    expect(await settled(outcome)).toBe(false);
    const state = await egress.stopAll('hasty');
    expect(state).toMatchObject({ broadcasting: false, rtmps: [] });
    expect(await outcome).toBe('conflict');
    expect(egress.composites.size).toBe(0);
    expect(stateOf('hasty').rtmps).toEqual([]);
    await noFfmpegLeft();
    // The room can broadcast again afterwards.
    await egress.startBroadcasts('hasty', body());
    await egress.stopAll('hasty');
    await noFfmpegLeft();
  });

  it('ends a composite whose destinations all failed, freeing its slot, and keeps them listed', async () => {
    await sfu.createRoom('unlucky');
    await sfu.createRoom('next');
    await egress.startBroadcasts('unlucky', { quality: '360p', broadcasts: [{ name: 'a', stream_url: refusing }, { name: 'b', stream_url: refusing }] });
    await expect.poll(() => egress.composites.size, { timeout: 10_000 }).toBe(0);
    const state = stateOf('unlucky');
    expect(state.broadcasting).toBe(false);
    expect(state.rtmps.map((r: RtmpBroadcastInfo) => [r.name, r.status])).toEqual([
      ['a', 'failed'],
      ['b', 'failed'],
    ]);
    expect(state.rtmps.every((r) => r.error)).toBe(true);
    const last = events.filter((e) => e.room === 'unlucky' && e.type === 'rtmp_broadcast.failed').at(-1);
    expect(last?.data).toMatchObject({ ended: true, reason: ALL_DESTINATIONS_FAILED });
    await noFfmpegLeft();

    // EGRESS_MAX_COMPOSITES is 1: another room may broadcast now.
    await egress.startBroadcasts('next', body());
    expect(egress.composites.has('next')).toBe(true);
    await egress.stopAll('next');

    // Stopping a failed destination unlists it; starting one of the same name replaces it.
    expect((await egress.stopBroadcast('unlucky', 'a')).rtmps.map((r) => r.name)).toEqual(['b']);
    const restarted = await egress.startBroadcasts('unlucky', body('b'));
    expect(restarted.rtmps.map((r) => [r.name, r.status])).toEqual([['b', 'starting']]);
    await expect.poll(() => egress.composites.size, { timeout: 10_000 }).toBe(0);
    expect(stateOf('unlucky').rtmps.map((r) => [r.name, r.status])).toEqual([['b', 'failed']]);
    expect((await egress.stopAll('unlucky')).rtmps).toEqual([]);
    await noFfmpegLeft();
  });
});

import type { Socket } from 'node:net';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBinaryFrame } from '@roomcast/protocol';
import type { MediaSocket } from './MediaSocket.js';
import { FakeStream } from './testing/FakeStream.js';
import { RtmsTestClient } from './testing/RtmsTestClient.js';
import { signedFields, startRtmsTestApp, type RtmsTestApp } from './testing/rtmsTestApp.js';

/*
 * An app that stops reading (issue 11, point 7) against a real server. The stream is a FakeStream
 * stand-in until the real MediaStream lands: it pushes frames as fast as the test can.
 */

const FRAME_BYTES = 16 * 1024;
const limits = { highWaterBytes: 64 * 1024, maxQueuedBytes: 256 * 1024, maxQueuedFrames: 200 };

describe('a slow app', () => {
  const stream = new FakeStream('slow1', 'notes', 'standup');
  let server: RtmsTestApp;
  beforeAll(async () => {
    server = await startRtmsTestApp([stream], { keepAliveMs: 60_000, queue: limits });
  });
  afterAll(async () => {
    await server.close();
  });

  it('costs the server no more than its bounded queue, loses frames only with a count, and is told', async () => {
    const client = await RtmsTestClient.open(`${server.wsUrl}/rtms/media`);
    client.send({ msg_type: 3, ...signedFields(stream), binary: true });
    await client.waitFor((m) => m.msg_type === 4);
    client.send({ msg_type: 7 });
    await expect.poll(() => stream.connections.length).toBe(1);
    const connection = stream.connections[0] as MediaSocket;
    // The app stops reading: the kernel's buffers fill, then the server's.
    (client.socket as unknown as { _socket: Socket })._socket.pause();

    let sent = 0;
    let maxQueued = 0;
    let maxBuffered = 0;
    const payload = Buffer.alloc(FRAME_BYTES);
    // Until the server has had to drop (the kernel's loopback buffers take megabytes first); 64 MB at most.
    while (connection.stats().dropped.audio < 50 && sent < 4096) {
      for (let i = 0; i < 16; i++) {
        payload.writeUInt32BE(sent, 0);
        connection.sendAudio({ userId: 1, userName: 'Ada', data: payload, timestamp: sent++ });
        const stats = connection.stats();
        maxQueued = Math.max(maxQueued, stats.queuedBytes);
        maxBuffered = Math.max(maxBuffered, stats.bufferedAmount);
      }
      await yieldToLoop();
    }
    const dropped = connection.stats().dropped.audio;
    expect(dropped).toBeGreaterThanOrEqual(50);
    expect(maxQueued).toBeLessThanOrEqual(limits.maxQueuedBytes);
    // The socket's own buffer passes the high-water mark by at most one frame (and a few bytes of reports).
    expect(maxBuffered).toBeLessThanOrEqual(limits.highWaterBytes + FRAME_BYTES + 16 + 1024);

    (client.socket as unknown as { _socket: Socket })._socket.resume();
    // Every frame either arrives, in order, or is counted in a media_dropped event.
    const reported = () =>
      client.json().filter((m) => m.msg_type === 6).reduce((n, m) => n + Number((m.event as { audio_frames: number }).audio_frames), 0);
    await expect.poll(() => client.binary().length + reported(), { timeout: 15_000 }).toBe(sent);
    expect(reported()).toBe(dropped);
    expect(client.json().find((m) => m.msg_type === 6)).toMatchObject({ msg_type: 6, event: { event_type: 'media_dropped', video_frames: 0 } });
    const order = client.binary().map((bytes) => Buffer.from(decodeBinaryFrame(bytes).payload).readUInt32BE(0));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // The newest frames survive: the drop policy took the oldest.
    expect(order.at(-1)).toBe(sent - 1);
    expect(connection.stats()).toMatchObject({ queuedFrames: 0, queuedBytes: 0 });
    client.socket.close();
    await expect.poll(() => stream.connections.length).toBe(0);
  });
});

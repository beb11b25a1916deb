import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { encodeBinaryFrame, RtmsMediaType } from '@roomcast/protocol';
import { MediaStreamClient, type ConnectOptions } from './MediaStreamClient.js';
import { RtmsHandshakeError } from './RtmsHandshakeError.js';
import { FakeRtmsServer } from './testing/FakeRtmsServer.js';

/*
 * These run the client against FakeRtmsServer, a loopback `ws` server standing in for Roomcast's
 * RTMS sockets (apps/server/src/rtms, written in parallel). End-to-end tests against the real
 * server live in test/.
 */

const credentials = { clientId: 'recorder-id', clientSecret: 'recorder-secret' };
let server: FakeRtmsServer;
let client: MediaStreamClient;

beforeEach(async () => {
  server = await FakeRtmsServer.start(credentials);
  client = new MediaStreamClient();
});

afterEach(async () => {
  await client.close();
  await server.close();
});

function options(extra: Partial<ConnectOptions> = {}): ConnectOptions {
  return { serverUrl: server.signalingUrl, roomId: 'room-1', streamId: 'ms_1', ...credentials, ...extra };
}

describe('MediaStreamClient handshake', () => {
  it('signs in on signaling, subscribes, opens media, then says client ready', async () => {
    const result = await client.connect(options({ mediaTypes: ['audio', 'transcript'], binary: true, events: ['participant_join'] }));
    await server.waitFor('media', 7);
    const sequence = server.received.map((r) => `${r.socket}:${r.message.msg_type}`);
    expect(sequence).toEqual(['signaling:1', 'signaling:5', 'media:3', 'media:7']);
    const [hello, subscribe, media] = server.received.map((r) => r.message);
    expect(hello).toMatchObject({ room_id: 'room-1', stream_id: 'ms_1' });
    expect(subscribe).toMatchObject({ events: ['participant_join'] });
    expect(media).toMatchObject({
      media_type: RtmsMediaType.AUDIO | RtmsMediaType.TRANSCRIPT,
      payload_encryption: false,
      binary: true,
      signature: hello?.signature,
    });
    expect(result.mediaParams).toEqual({ audio: { codec: 'pcm_s16le', sample_rate: 16000, channels: 1 } });
    expect(result.serverUrls.all).toBe(`ws://127.0.0.1:${server.port}/rtms/media`);
    expect(client.state).toBe('open');
  });

  it('rejects with the status code and reason of a refused signaling handshake', async () => {
    const closed = once(client, 'close');
    const error = await client.connect(options({ clientSecret: 'wrong' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RtmsHandshakeError);
    expect(error).toMatchObject({ socket: 'signaling', statusCode: 8, reason: 'refused', code: 'unauthorized' });
    expect(server.sockets.filter((s) => s.name === 'media')).toHaveLength(0);
    expect((await closed)[0]).toMatchObject({ reason: 'connect_failed' });
    expect(client.state).toBe('closed');
  });

  it('rejects when the media handshake is refused', async () => {
    server.options.mediaStatus = 21;
    await expect(client.connect(options({ mediaTypes: ['video'] }))).rejects.toMatchObject({ socket: 'media', statusCode: 21 });
  });
});

describe('MediaStreamClient media', () => {
  it('decodes JSON media messages', async () => {
    await client.connect(options());
    const audio = once(client, 'audio');
    const video = once(client, 'video');
    const transcript = once(client, 'transcript');
    const pcm = Buffer.from([1, 2, 3, 4]);
    server.send('media', { msg_type: 14, content: { user_id: 7, user_name: 'Ada', data: pcm.toString('base64'), timestamp: 1000 } });
    server.send('media', { msg_type: 15, content: { user_id: 7, user_name: 'Ada', data: 'AAAAAWc=', timestamp: 1001, key_frame: true } });
    const text = Buffer.from('hello world').toString('base64');
    server.send('media', { msg_type: 17, content: { user_id: 7, user_name: 'Ada', data: text, timestamp: 1002, start: 10, end: 900, final: true } });
    expect((await audio)[0]).toEqual({ userId: 7, userName: 'Ada', data: pcm, timestamp: 1000 });
    expect((await video)[0]).toMatchObject({ userId: 7, keyFrame: true, data: Buffer.from([0, 0, 0, 1, 0x67]) });
    expect((await transcript)[0]).toEqual({ userId: 7, userName: 'Ada', text: 'hello world', start: 10, end: 900, final: true, timestamp: 1002 });
  });

  it('decodes binary frames and names their users from session states', async () => {
    await client.connect(options({ binary: true }));
    const session = once(client, 'sessionState');
    server.send('signaling', { msg_type: 9, user_id: 3, user_name: 'Grace', state: 2, reason: null });
    expect((await session)[0]).toEqual({ userId: 3, userName: 'Grace', state: 'STARTED', reason: null });
    const audio = once(client, 'audio');
    const transcript = once(client, 'transcript');
    const pcm = new Uint8Array([9, 8, 7, 6]);
    server.send('media', encodeBinaryFrame({ msgType: 14, userId: 3, timestamp: 1234.5, payload: pcm }));
    const body = new TextEncoder().encode(JSON.stringify({ text: 'hi there', start: 0, end: 400, final: false }));
    server.send('media', encodeBinaryFrame({ msgType: 17, userId: 3, timestamp: 1240, payload: body, final: true }));
    expect((await audio)[0]).toEqual({ userId: 3, userName: 'Grace', data: Buffer.from(pcm), timestamp: 1234.5 });
    expect((await transcript)[0]).toEqual({ userId: 3, userName: 'Grace', text: 'hi there', start: 0, end: 400, final: true, timestamp: 1240 });
  });

  it('emits stream states once each, and events', async () => {
    await client.connect(options());
    const states: string[] = [];
    client.on('streamState', (update) => states.push(update.state));
    let onceCalls = 0;
    client.once('streamState', () => onceCalls++);
    const event = once(client, 'event');
    server.send('signaling', { msg_type: 6, event: { event_type: 'participant_join', timestamp: 9, user_id: 5, user_name: 'Lin' } });
    expect((await event)[0]).toEqual({ type: 'participant_join', data: { timestamp: 9, user_id: 5, user_name: 'Lin' } });
    const paused = once(client, 'streamState');
    server.send('signaling', { msg_type: 8, state: 3, reason: 'paused_by_api' });
    server.send('media', { msg_type: 8, state: 3, reason: 'paused_by_api' });
    await paused;
    const resumed = once(client, 'streamState');
    server.send('media', { msg_type: 8, state: 'RESUMED', reason: null });
    await resumed;
    expect(states).toEqual(['PAUSED', 'RESUMED']);
    expect(onceCalls).toBe(1);
    expect(client.userName(5)).toBe('Lin');
  });
  it('keeps delivering when a listener throws', async () => {
    await client.connect(options());
    const report = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    client.on('audio', () => {
      throw new Error('app bug');
    });
    const frames: number[] = [];
    client.on('audio', (frame) => frames.push(frame.timestamp));
    for (const timestamp of [1, 2]) server.send('media', { msg_type: 14, content: { user_id: 1, user_name: 'A', data: '', timestamp } });
    server.send('media', { msg_type: 12, timestamp: 0 });
    await server.waitFor('media', 13);
    expect(frames).toEqual([1, 2]);
    await Promise.resolve();
    expect(report).toHaveBeenCalledTimes(2);
    report.mockRestore();
  });
});

describe('MediaStreamClient keep-alive', () => {
  it('answers keep-alive requests on both sockets with their timestamp', async () => {
    await client.connect(options());
    server.send('signaling', { msg_type: 12, timestamp: 111 });
    server.send('media', { msg_type: 12, timestamp: 222 });
    expect((await server.waitFor('signaling', 13)).message).toEqual({ msg_type: 13, timestamp: 111 });
    expect((await server.waitFor('media', 13)).message).toEqual({ msg_type: 13, timestamp: 222 });
  });

  it('leaves keep-alives to the app when autoKeepAlive is false', async () => {
    await client.connect(options({ autoKeepAlive: false }));
    const request = once(client, 'keepAlive');
    server.send('media', { msg_type: 12, timestamp: 333 });
    expect((await request)[0]).toEqual({ socket: 'media', timestamp: 333 });
    client.answerKeepAlive('media', 444);
    // The first 13 the server sees is the app's own: no automatic answer went before it.
    expect((await server.waitFor('media', 13)).message).toEqual({ msg_type: 13, timestamp: 444 });
  });
});

describe('MediaStreamClient reconnect', () => {
  it('reconnects with the same stream id after the server drops the sockets', async () => {
    await client.connect(options({ reconnect: { windowMs: 5000, initialDelayMs: 20 } }));
    await server.waitFor('media', 7);
    const reconnecting = once(client, 'reconnecting');
    const reconnected = once(client, 'reconnected');
    server.dropAll();
    expect((await reconnecting)[0]).toMatchObject({ attempt: 1 });
    await reconnected;
    expect(client.state).toBe('open');
    const hellos = server.received.filter((r) => r.message.msg_type === 1 || r.message.msg_type === 3);
    expect(hellos.map((r) => r.message.stream_id)).toEqual(['ms_1', 'ms_1', 'ms_1', 'ms_1']);
    await server.waitFor('media', 7, 2);
    const audio = once(client, 'audio');
    server.send('media', { msg_type: 14, content: { user_id: 1, user_name: 'A', data: 'AAA=', timestamp: 1 } });
    expect((await audio)[0].userId).toBe(1);
  });

  it('does not reconnect after a STOPPED stream state', async () => {
    await client.connect(options({ reconnect: { windowMs: 5000, initialDelayMs: 20 } }));
    let reconnects = 0;
    client.on('reconnecting', () => reconnects++);
    const closed = once(client, 'close');
    server.send('signaling', { msg_type: 8, state: 5, reason: 'stopped_by_api' });
    await once(client, 'streamState');
    server.dropAll();
    expect((await closed)[0]).toMatchObject({ reason: 'stopped' });
    expect(reconnects).toBe(0);
  });

  it('does not reconnect when the server closes with "stream ended" (4002)', async () => {
    await client.connect(options({ reconnect: { windowMs: 5000, initialDelayMs: 20 } }));
    let reconnects = 0;
    client.on('reconnecting', () => reconnects++);
    const closed = once(client, 'close');
    server.closeAll(4002, 'stopped_by_api');
    expect((await closed)[0]).toEqual({ reason: 'stopped', closeCode: 4002 });
    expect(reconnects).toBe(0);
  });

  it('gives up when the stream has ended by the time it reconnects', async () => {
    await client.connect(options({ reconnect: { windowMs: 5000, initialDelayMs: 20 } }));
    server.options.signalingStatus = 20;
    const closed = once(client, 'close');
    server.dropAll();
    expect((await closed)[0]).toMatchObject({ reason: 'stopped', error: { statusCode: 20 } });
  });

  it('gives up when the reconnect window is over', async () => {
    await client.connect(options({ reconnect: { windowMs: 300, initialDelayMs: 50, maxDelayMs: 100 } }));
    const closed = once(client, 'close');
    await server.close();
    expect((await closed)[0]).toMatchObject({ reason: 'reconnect_failed' });
  });

  it('ends with "disconnected" and the close code when reconnect is off', async () => {
    await client.connect(options({ reconnect: false }));
    const closed = once(client, 'close');
    server.closeAll(4008, 'keep-alive requests unanswered');
    expect((await closed)[0]).toMatchObject({ reason: 'disconnected', closeCode: 4008 });
  });

  it('reconnects after interrupt(), as after a network failure', async () => {
    await client.connect(options({ reconnect: { windowMs: 5000, initialDelayMs: 20 } }));
    const reconnected = once(client, 'reconnected');
    client.interrupt();
    await reconnected;
    expect(server.received.filter((r) => r.message.msg_type === 1)).toHaveLength(2);
  });
});

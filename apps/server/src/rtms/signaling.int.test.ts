import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtmsStatus } from '@roomcast/protocol';
import { FakeStream } from './testing/FakeStream.js';
import { RtmsTestClient } from './testing/RtmsTestClient.js';
import { signedFields, startRtmsTestApp, type RtmsTestApp } from './testing/rtmsTestApp.js';

/*
 * The signaling socket against a real fastify + ws server. The streams are FakeStream stand-ins
 * until the real MediaStream lands; the end-to-end tests with real media use the real one.
 */

describe('/rtms/signaling', () => {
  const live = new FakeStream('live1', 'notes', 'standup', ['audio', 'transcript']);
  live.participants.push({ userId: 1, userName: 'Ada', state: 'STARTED' });
  const ended = new FakeStream('ended1', 'notes', 'standup');
  ended.ended = true;
  let server: RtmsTestApp;
  const open = () => RtmsTestClient.open(`${server.wsUrl}/rtms/signaling`);
  /** Messages are handled in order: once a bad one is answered, the ones before it took effect. */
  const barrier = async (client: RtmsTestClient) => {
    const before = client.json().filter((m) => m.msg_type === 0).length;
    client.send({ msg_type: 98 });
    await expect.poll(() => client.json().filter((m) => m.msg_type === 0).length).toBe(before + 1);
  };

  beforeAll(async () => {
    server = await startRtmsTestApp([live, ended], { handshakeTimeoutMs: 300, keepAliveMs: 60_000 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('a bad signature gets a non-zero status, then the socket closes', async () => {
    const client = await open();
    client.send({ msg_type: 1, ...signedFields(live), signature: 'ab'.repeat(32) });
    expect(await client.closed).toMatchObject({ code: 4001 });
    expect(client.json()).toEqual([{ msg_type: 2, status_code: RtmsStatus.SIGNATURE_INVALID, reason: 'signature does not match' }]);
    expect(live.observers).toHaveLength(0);
  });

  it('an unknown stream: STREAM_NOT_FOUND to a holder of an app secret, SIGNATURE_INVALID to anyone else', async () => {
    const signed = await open();
    signed.send({ msg_type: 1, ...signedFields({ id: 'nosuch', roomName: 'standup' }) });
    await signed.closed;
    expect(signed.json()[0]).toMatchObject({ msg_type: 2, status_code: RtmsStatus.STREAM_NOT_FOUND });
    const guesser = await open();
    guesser.send({ msg_type: 1, room_id: 'standup', stream_id: 'nosuch', signature: 'ab'.repeat(32) });
    await guesser.closed;
    expect(guesser.json()[0]).toMatchObject({ msg_type: 2, status_code: RtmsStatus.SIGNATURE_INVALID });
  });

  it('an ended stream gets STREAM_ENDED', async () => {
    const client = await open();
    client.send({ msg_type: 1, ...signedFields(ended) });
    await client.closed;
    expect(client.json()[0]).toMatchObject({ msg_type: 2, status_code: RtmsStatus.STREAM_ENDED });
  });

  it('a handshake that is not JSON, not msg_type 1, malformed, or late is refused with its status', async () => {
    const cases: Array<[unknown, number]> = [
      ['{not json', RtmsStatus.INVALID_JSON_MSG],
      [{ msg_type: 7 }, RtmsStatus.INVALID_MESSAGE_TYPE],
      [{ msg_type: 'one' }, RtmsStatus.INVALID_MESSAGE_TYPE],
      [{ msg_type: 1, room_id: 'standup', stream_id: '../x', signature: 'ab' }, RtmsStatus.INVALID_JSON_MSG],
    ];
    for (const [message, status] of cases) {
      const client = await open();
      client.send(message);
      expect((await client.closed).code).toBe(4001);
      expect(client.json()[0]).toMatchObject({ msg_type: 2, status_code: status });
    }
    const silent = await open();
    expect((await silent.closed).code).toBe(4008);
    expect(silent.json()).toEqual([{ msg_type: 2, status_code: RtmsStatus.CONNECTION_TIMEOUT, reason: 'no handshake in time' }]);
  });

  it('a good handshake gets server_urls on the Host it dialled, then states and subscribed events only', async () => {
    const client = await open();
    client.send({ msg_type: 1, ...signedFields(live) });
    const reply = await client.waitFor((m) => m.msg_type === 2);
    const media = `${server.wsUrl}/rtms/media`;
    expect(reply).toEqual({
      msg_type: 2, protocol_version: 1, status_code: 0, reason: '',
      media_server: { server_urls: { all: media, audio: `${media}?media_type=1`, transcript: `${media}?media_type=8` } },
      sessions: [{ user_id: 1, user_name: 'Ada', state: 2 }],
    });
    expect(live.observers).toHaveLength(1);
    const observer = live.observers[0]!;
    client.send({ msg_type: 5, events: ['participant_join'] });
    await barrier(client);
    observer.sendEvent('active_speaker_change', { user_id: 1 });
    observer.sendEvent('participant_join', { user_id: 2, user_name: 'Grace' });
    observer.sendStreamState('STARTED', null);
    observer.sendSessionState({ userId: 2, userName: 'Grace', state: 'PAUSED', reason: 'paused_by_participant' });
    const session = await client.waitFor((m) => m.msg_type === 9);
    expect(session).toMatchObject({ user_id: 2, user_name: 'Grace', state: 3, reason: 'paused_by_participant' });
    expect(client.json().filter((m) => m.msg_type === 6)).toEqual([
      { msg_type: 6, event: { event_type: 'participant_join', user_id: 2, user_name: 'Grace', timestamp: expect.any(Number) } },
    ]);
    expect(client.json().find((m) => m.msg_type === 8)).toMatchObject({ state: 2, reason: null });
    client.socket.close();
    await client.closed;
    await expect.poll(() => live.observers.length).toBe(0);
  });

  it('a bad message after the handshake is answered with a status, and the socket stays open', async () => {
    const client = await open();
    client.send({ msg_type: 1, ...signedFields(live) });
    await client.waitFor((m) => m.msg_type === 2);
    client.send({ msg_type: 99 });
    client.send('[]');
    client.send({ msg_type: 5, events: ['everything'] });
    client.send({ msg_type: 1, ...signedFields(live) });
    await expect.poll(() => client.json().filter((m) => m.msg_type === 0).length).toBe(4);
    expect(client.json().filter((m) => m.msg_type === 0).map((m) => m.status_code)).toEqual([
      RtmsStatus.INVALID_MESSAGE_TYPE, RtmsStatus.INVALID_JSON_MSG, RtmsStatus.INVALID_JSON_MSG, RtmsStatus.DUPLICATE_SIGNAL_REQUEST,
    ]);
    // Still subscribed and served.
    client.send({ msg_type: 5, events: ['participant_leave'] });
    await barrier(client);
    live.observers[0]!.sendEvent('participant_leave', { user_id: 5 });
    await client.waitFor((m) => m.msg_type === 6);
    live.observers[0]!.end('stopped_by_api');
    expect(await client.closed).toMatchObject({ code: 4002, reason: 'stopped_by_api' });
  });

  it('a frame over the size limit closes the socket at the ws layer', async () => {
    const client = await open();
    client.send({ msg_type: 1, ...signedFields(live), pad: 'x'.repeat(100 * 1024) });
    expect((await client.closed).code).not.toBe(1000);
    expect(client.json()).toEqual([]);
  });
});

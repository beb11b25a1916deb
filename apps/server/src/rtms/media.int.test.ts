import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtmsStatus, decodeBinaryFrame } from '@roomcast/protocol';
import { FakeStream } from './testing/FakeStream.js';
import { RtmsTestClient } from './testing/RtmsTestClient.js';
import { signedFields, startRtmsTestApp, type RtmsTestApp } from './testing/rtmsTestApp.js';

/*
 * The media socket against a real fastify + ws server. The streams are FakeStream stand-ins until
 * the real MediaStream lands (they push media by hand); the end-to-end tests with real media,
 * tones and H.264 use the real one.
 */

const pcm = Buffer.alloc(640, 7);
const audioFrame = (timestamp: number) => ({ userId: 3, userName: 'Ada', data: pcm, timestamp });

async function handshake(app: RtmsTestApp, stream: FakeStream, extra: Record<string, unknown> = {}, query = '') {
  const client = await RtmsTestClient.open(`${app.wsUrl}/rtms/media${query}`);
  client.send({ msg_type: 3, ...signedFields(stream), ...extra });
  const reply = await client.waitFor((m) => m.msg_type === 4);
  return { client, reply };
}

describe('/rtms/media', () => {
  const av = new FakeStream('av1', 'notes', 'standup', ['audio', 'video']);
  av.participants.push({ userId: 3, userName: 'Ada', state: 'RESUMED' });
  const withTranscript = new FakeStream('tr1', 'notes', 'standup', ['audio', 'transcript'], { transcriptAvailable: false });
  let server: RtmsTestApp;

  beforeAll(async () => {
    server = await startRtmsTestApp([av, withTranscript], { keepAliveMs: 60_000 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers msg 3 with msg 4 and media_params; media flows only after the app\'s msg 7, as JSON', async () => {
    const { client, reply } = await handshake(server, av);
    expect(reply).toEqual({
      msg_type: 4, protocol_version: 1, status_code: 0, reason: '',
      media_params: { audio: av.info().audio, media_types: ['audio', 'video'], binary: false },
      sessions: [{ user_id: 3, user_name: 'Ada', state: 4 }],
    });
    expect(av.connections).toHaveLength(0);
    client.send({ msg_type: 7 });
    await expect.poll(() => av.connections.length).toBe(1);
    const connection = av.connections[0]!;
    connection.sendAudio(audioFrame(1700000000001));
    connection.sendVideo({ userId: 3, userName: 'Ada', data: Buffer.from([0, 0, 0, 1, 0x65]), timestamp: 1700000000002, keyFrame: true });
    connection.sendStreamState('PAUSED', 'paused_by_api');
    await expect.poll(() => client.json().length).toBe(4);
    expect(client.json().slice(1)).toEqual([
      { msg_type: 14, content: { user_id: 3, user_name: 'Ada', data: pcm.toString('base64'), timestamp: 1700000000001 } },
      { msg_type: 15, content: { user_id: 3, user_name: 'Ada', data: 'AAAAAWU=', timestamp: 1700000000002, key_frame: true } },
      { msg_type: 8, state: 3, reason: 'paused_by_api', timestamp: expect.any(Number) },
    ]);
    client.send({ msg_type: 7 });
    client.socket.close();
    await client.closed;
    await expect.poll(() => av.connections.length).toBe(0);
  });

  it('sends binary frames when the handshake asks for them', async () => {
    const { client } = await handshake(server, av, { binary: true });
    client.send({ msg_type: 7 });
    await expect.poll(() => av.connections.length).toBe(1);
    av.connections[0]!.sendAudio(audioFrame(1700000000003.5));
    await expect.poll(() => client.binary().length).toBe(1);
    const frame = decodeBinaryFrame(client.binary()[0]!);
    expect(frame).toMatchObject({ msgType: 14, userId: 3, timestamp: 1700000000003.5 });
    expect(Buffer.from(frame.payload)).toEqual(pcm);
    client.socket.close();
    await expect.poll(() => av.connections.length).toBe(0);
  });

  it('grants the handshake\'s media_type, else the URL\'s, and sends nothing else', async () => {
    const { client: byQuery, reply: fromQuery } = await handshake(server, av, {}, '?media_type=2');
    expect((fromQuery.media_params as { media_types: string[] }).media_types).toEqual(['video']);
    const { client: byBits, reply: fromBits } = await handshake(server, av, { media_type: 1 }, '?media_type=2');
    expect((fromBits.media_params as { media_types: string[] }).media_types).toEqual(['audio']);
    byQuery.send({ msg_type: 7 });
    await expect.poll(() => av.connections.length).toBe(1);
    av.connections[0]!.sendAudio(audioFrame(1));
    av.connections[0]!.sendVideo({ userId: 3, userName: 'Ada', data: pcm, timestamp: 2, keyFrame: true });
    await expect.poll(() => byQuery.json().length).toBe(2);
    expect(byQuery.json()[1]).toMatchObject({ msg_type: 15 });
    const { client: none } = await handshake(server, av, { media_type: 8 });
    expect(none.json()[0]).toMatchObject({ status_code: RtmsStatus.MEDIA_NOT_ALLOWED });
    expect((await none.closed).code).toBe(4001);
    byQuery.socket.close();
    byBits.socket.close();
  });

  it('without a recognizer: audio still served, the reply says TRANSCRIPT_UNAVAILABLE; transcript alone is refused', async () => {
    const { client, reply } = await handshake(server, withTranscript);
    expect(reply).toMatchObject({
      status_code: 0, reason: 'TRANSCRIPT_UNAVAILABLE',
      media_params: { media_types: ['audio'], transcript_unavailable: true },
    });
    client.socket.close();
    const { client: only, reply: refused } = await handshake(server, withTranscript, { media_type: 8 });
    expect(refused).toMatchObject({ msg_type: 4, status_code: RtmsStatus.TRANSCRIPT_UNAVAILABLE });
    expect((await only.closed).code).toBe(4001);
  });

  it('refuses a bad signature with msg 4 and a status, then closes', async () => {
    const { client, reply } = await handshake(server, av, { signature: '00'.repeat(32) });
    expect(reply).toEqual({ msg_type: 4, status_code: RtmsStatus.SIGNATURE_INVALID, reason: 'signature does not match' });
    expect((await client.closed).code).toBe(4001);
  });

  it('a stream that ends closes the socket with its reason', async () => {
    const { client } = await handshake(server, av);
    client.send({ msg_type: 7 });
    await expect.poll(() => av.connections.length).toBe(1);
    av.connections[0]!.sendStreamState('STOPPED', 'stopped_by_api');
    av.connections[0]!.end('stopped_by_api');
    expect(await client.closed).toEqual({ code: 4002, reason: 'stopped_by_api' });
    expect(client.json().at(-1)).toMatchObject({ msg_type: 8, state: 5 });
    await expect.poll(() => av.connections.length).toBe(0);
  });
});

describe('keep-alive', () => {
  const stream = new FakeStream('ka1', 'notes', 'standup');
  let server: RtmsTestApp;
  beforeAll(async () => {
    server = await startRtmsTestApp([stream], { keepAliveMs: 100, maxMissedKeepAlives: 3 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('closes a socket after three unanswered requests, and keeps one that answers', async () => {
    const { client: silent } = await handshake(server, stream);
    const { client: answering } = await handshake(server, stream);
    answering.socket.on('message', (raw, isBinary) => {
      const message = isBinary ? undefined : (JSON.parse(raw.toString()) as { msg_type: number; timestamp: number });
      if (message?.msg_type === 12) answering.send({ msg_type: 13, timestamp: message.timestamp });
    });
    expect(await silent.closed).toEqual({ code: 4008, reason: 'keep-alive requests unanswered' });
    const requests = silent.json().filter((m) => m.msg_type === 12);
    expect(requests).toHaveLength(3);
    expect(requests[0]).toEqual({ msg_type: 12, timestamp: expect.any(Number) });
    // Well past three intervals of its own, the answering app is still connected.
    await expect.poll(() => answering.json().filter((m) => m.msg_type === 12).length, { timeout: 5000 }).toBeGreaterThanOrEqual(6);
    expect(answering.socket.readyState).toBe(answering.socket.OPEN);
    answering.socket.close();
  });
});

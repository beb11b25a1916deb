import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaStreamClient } from '@roomcast/media-stream-client';
import type { MediaStreamInfo } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../testServer.js';
import { WsClient } from '../testing/WsClient.js';

const SECRET = 'approvals_secret_0123456789';
const apps = [
  { id: 'notes', client_id: 'notes-id', client_secret: SECRET, webhook_url: 'http://127.0.0.1:9/hooks', allow: ['audio', 'transcript'] },
  { id: 'auto', client_id: 'auto-id', client_secret: SECRET, webhook_url: 'http://127.0.0.1:9/hooks', allow: ['audio'], auto_start: 'participant' },
];

describe('media streams from the client SDK: moderators, approvals, consent, automatic starts', () => {
  let server: TestServer;
  const sockets: WsClient[] = [];
  const wsUrl = (token: string): string => `${server.url.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}`;
  const joined = async (room: string, identity: string, role: 'participant' | 'moderator' = 'participant') => {
    const client = await WsClient.open(wsUrl(await server.participantToken(room, identity, role)));
    sockets.push(client);
    const caps = await client.request('getRouterRtpCapabilities');
    const rtpCapabilities = (caps.data as { rtpCapabilities: unknown }).rtpCapabilities;
    expect((await client.request('join', { rtpCapabilities })).ok).toBe(true);
    return client;
  };
  const streamsOf = async (room: string) =>
    ((await (await server.api(`/v1/rooms/${room}/media_streams`)).json()) as { media_streams: MediaStreamInfo[] }).media_streams;

  beforeAll(async () => {
    // Webhooks to a closed port: delivery fails quietly and is retried; these tests read state instead.
    server = await startTestServer({ MEDIA_APPS: JSON.stringify(apps), MEDIA_STREAM_PARTICIPANT_REQUESTS: 'approval' });
  });

  afterAll(async () => {
    for (const socket of sockets) socket.socket.terminate();
    await server?.close();
  });

  it('starts automatically for an auto_start app when the first participant joins, once', async () => {
    await joined('auto-room', 'ann');
    await joined('auto-room', 'ben');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const streams = (await streamsOf('auto-room')).filter((s) => s.app === 'auto');
    expect(streams).toHaveLength(1);
    expect(streams[0]!.started_by).toEqual({ type: 'auto' });
    expect(streams[0]!.audio).toMatchObject({ codec: 'pcm_s16le', sample_rate: 16000, per_participant: true });
  });

  it("holds a participant's request for a moderator, who approves it; refuses apps that are not registered or not allowed", async () => {
    const moderator = await joined('ask-room', 'mia', 'moderator');
    const participant = await joined('ask-room', 'pat');
    expect((await participant.request('startMediaStream', { app: 'nobody', audio: {} })).ok).toBe(false);
    const notAllowed = await moderator.request('startMediaStream', { app: 'notes', video: {} });
    expect(notAllowed.error).toMatchObject({ code: 'forbidden' });
    const asked = await participant.request('startMediaStream', { app: 'notes', audio: {}, transcript: true });
    expect(asked.ok).toBe(true);
    const { request_id, media_stream } = asked.data as { request_id: string; media_stream: null };
    expect(media_stream).toBeNull();
    expect((await streamsOf('ask-room')).filter((s) => s.app === 'notes')).toHaveLength(0);
    const prompt = await moderator.waitFor((m) => m.method === 'mediaStreamRequested');
    expect(prompt.data).toMatchObject({ request_id, app: 'notes', requested_by: { identity: 'pat' }, audio: true, transcript: true });
    // Only moderators answer.
    expect(((await participant.request('answerMediaStreamRequest', { request_id, approve: true })).error as { code: string }).code).toBe('forbidden');
    const answered = await moderator.request('answerMediaStreamRequest', { request_id, approve: true });
    expect(answered.ok).toBe(true);
    const told = await participant.waitFor((m) => m.method === 'mediaStreamRequestAnswered');
    expect(told.data).toMatchObject({ request_id, approved: true });
    const [stream] = (await streamsOf('ask-room')).filter((s) => s.app === 'notes');
    expect(stream!.started_by).toEqual({ type: 'participant', identity: 'pat' });
    // The same request cannot be answered twice.
    expect(((await moderator.request('answerMediaStreamRequest', { request_id, approve: true })).error as { code: string }).code).toBe('not_found');
  });

  it("follows the room's own policy for participants' requests over the server's", async () => {
    const created = await server.api('/v1/rooms', { method: 'POST', body: { name: 'strict-room', settings: { media_streams: { participant_requests: 'deny' } } } });
    expect(created.status).toBe(201);
    const participant = await joined('strict-room', 'pia');
    const refused = await participant.request('startMediaStream', { app: 'notes', audio: {} });
    expect(refused.error).toMatchObject({ code: 'forbidden' });
    const open = await server.api('/v1/rooms', { method: 'POST', body: { name: 'open-room', settings: { media_streams: { participant_requests: 'allow' } } } });
    expect(open.status).toBe(201);
    const started = await (await joined('open-room', 'oli')).request('startMediaStream', { app: 'notes', audio: {} });
    expect((started.data as { media_stream: MediaStreamInfo }).media_stream.started_by).toEqual({ type: 'participant', identity: 'oli' });
  });

  it("lets a participant pause their own session: the app is told, and a moderator controls the stream", async () => {
    const moderator = await joined('consent-room', 'max', 'moderator');
    const participant = await joined('consent-room', 'quinn');
    const started = await moderator.request('startMediaStream', { app: 'notes', audio: {} });
    const stream = (started.data as { media_stream: MediaStreamInfo }).media_stream;
    const app = new MediaStreamClient();
    const sessions: Array<{ userName: string; state: string }> = [];
    app.on('sessionState', (update) => sessions.push({ userName: update.userName, state: update.state }));
    await app.connect({
      serverUrl: `${server.url.replace('http', 'ws')}/rtms/signaling`, roomId: 'consent-room', streamId: stream.id,
      clientId: 'notes-id', clientSecret: SECRET, mediaTypes: ['audio'], reconnect: false,
    });
    try {
      expect((await participant.request('setMediaStreamConsent', { paused: true })).ok).toBe(true);
      await expect.poll(() => sessions.find((s) => s.userName === 'quinn' && s.state === 'PAUSED')).toBeTruthy();
      expect((await participant.request('controlMediaStream', { id: stream.id, action: 'stop' })).ok).toBe(false);
      expect((await moderator.request('controlMediaStream', { id: stream.id, action: 'pause' })).ok).toBe(true);
      expect((await moderator.request('controlMediaStream', { id: stream.id, action: 'stop' })).ok).toBe(true);
      expect((await streamsOf('consent-room')).find((s) => s.id === stream.id)).toMatchObject({ state: 'STOPPED', reason: 'stopped_by_moderator' });
    } finally {
      await app.close();
    }
  });
});

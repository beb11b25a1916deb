import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { RoomInfo, RtmpBroadcastInfo, WebhookEvent } from '@roomcast/protocol';
import { WsClient } from '../testing/WsClient.js';
import { startTestServer, type TestServer } from '../testServer.js';

const TYPES = `
types:
  webinar:
    broadcasting:
      rtmp: { quality: 360p }
      hls: { renditions: [360p] }
    roles:
      participant: [publish, subscribe, start-broadcast, stop-broadcast]
  locked:
    broadcasting: { enabled: false }
    roles:
      participant: [subscribe, start-broadcast, start-live-stream]
  tiny:
    limits: { max_participants: 1 }
  transcribed:
    media_streams: { auto_start: [notes] }
`;

/** An app with no `auto_start` of its own: only the `transcribed` type starts it. Its webhooks go to a closed port. */
const APPS = [{ id: 'notes', client_id: 'notes-id', client_secret: 'notes_secret_0123456789', webhook_url: 'http://127.0.0.1:9/hooks', allow: ['audio'] }];

/** A port nothing listens on: relays retry there, which is all these tests need of a destination. */
const destination = (name: string) => ({ name, stream_url: 'rtmp://127.0.0.1:9/live', stream_key: 'k' });

/** Records every webhook (to check who started and stopped what, as a receiver sees it). */
async function startReceiver(): Promise<{ url: string; events: WebhookEvent[]; close(): Promise<void> }> {
  const events: WebhookEvent[] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
    request.on('end', () => {
      events.push(JSON.parse(raw) as WebhookEvent);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/hooks`, events, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('room types and room settings (ROOM_TYPES_FILE)', () => {
  let dir: string;
  let server: TestServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const wsUrl = (token: string): string => `${server.url.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}`;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'room-types-int-'));
    await writeFile(join(dir, 'types.yaml'), TYPES);
    receiver = await startReceiver();
    server = await startTestServer({ ROOM_TYPES_FILE: join(dir, 'types.yaml'), WEBHOOK_URLS: receiver.url, MEDIA_APPS: JSON.stringify(APPS), PARTICIPANT_MAX_PRODUCERS: '3' });
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const createRoom = async (body: unknown): Promise<Response> => server.api('/v1/rooms', { method: 'POST', body });
  const getRoom = async (name: string): Promise<RoomInfo> => ((await (await server.api(`/v1/rooms/${name}`)).json()) as { room: RoomInfo }).room;
  const startRtmp = (room: string, body: unknown) => server.api(`/v1/rooms/${room}/rtmp_broadcasts`, { method: 'POST', body });
  const stopAll = (room: string) => server.api(`/v1/rooms/${room}/rtmp_broadcasts/stop`, { method: 'POST' });
  const errorCode = async (response: Response): Promise<string> => ((await response.json()) as { error: { code: string } }).error.code;
  const joined = async (room: string, identity: string, role: 'participant' | 'moderator' = 'participant') => {
    const { token } = await server.auth.mintParticipant(room, { identity, name: identity, role });
    const client = await WsClient.open(wsUrl(token));
    const caps = await client.request('getRouterRtpCapabilities');
    const reply = await client.request('join', { rtpCapabilities: (caps.data as { rtpCapabilities: unknown }).rtpCapabilities });
    expect(reply.ok).toBe(true);
    return client;
  };
  const stoppedHook = (room: string, name: string) =>
    receiver.events.find((e) => e.type === 'rtmp_broadcast.stopped' && e.room_id === room && (e.data.broadcast as RtmpBroadcastInfo).name === name);

  it('creates rooms of a type, shows type and effective settings, refuses unknown types and apps', async () => {
    expect(await errorCode(await createRoom({ name: 'nope', type: 'conference' }))).toBe('bad_request');
    expect((await createRoom({ name: 'nope', settings: { media_streams: { auto_start: ['bot'] } } })).status).toBe(400);
    expect((await createRoom({ name: 'nope', settings: { limits: { max_participants: 0 } } })).status).toBe(400);
    expect(server.sfu.rooms.has('nope')).toBe(false);
    expect((await createRoom({ name: 'web-1', type: 'webinar', settings: { limits: { max_consumers: 7 } } })).status).toBe(201);
    const room = await getRoom('web-1');
    expect(room.type).toBe('webinar');
    expect(room.settings).toMatchObject({
      broadcasting: { enabled: true, rtmp: { quality: '360p' } },
      limits: { max_consumers: 7, max_producers: 3 },
      roles: { participant: ['publish', 'subscribe', 'start-broadcast', 'stop-broadcast'], viewer: ['subscribe'] },
    });
    expect(server.sfu.room('web-1').limits.consumers).toBe(7);
    // A room nobody typed (a token for an unknown room) gets the default type.
    await server.participantToken('plain', 'p');
    expect((await getRoom('plain')).type).toBe('default');
    // PARTICIPANT_MAX_* reach every room through the built-in layer (they were read, then never given to the sfu).
    expect(server.sfu.room('plain').limits).toEqual({ transportsPerDirection: 2, producers: 3, consumers: 100 });
  });

  it("RTMP quality: the type's default, then the room's settings, then the request's own field", async () => {
    await createRoom({ name: 'q-type', type: 'webinar' });
    expect((await startRtmp('q-type', { broadcasts: [destination('a')] })).status).toBe(201);
    expect((await getRoom('q-type')).egress.quality).toBe('360p');
    expect((await stopAll('q-type')).status).toBe(200);

    await createRoom({ name: 'q-room', type: 'webinar', settings: { broadcasting: { rtmp: { quality: '480p' } } } });
    expect((await startRtmp('q-room', { broadcasts: [destination('a')] })).status).toBe(201);
    expect((await getRoom('q-room')).egress.quality).toBe('480p');
    expect((await stopAll('q-room')).status).toBe(200);

    expect((await startRtmp('q-room', { broadcasts: [destination('a')], quality: '360p-portrait' })).status).toBe(201);
    expect((await getRoom('q-room')).egress.quality).toBe('360p-portrait');
    expect((await stopAll('q-room')).status).toBe(200);
  });

  it("live streams: the type's renditions unless the request names its own", async () => {
    await createRoom({ name: 'live-1', type: 'webinar' });
    const typed = await server.api('/v1/rooms/live-1/live_streams', { method: 'POST', body: {} });
    expect(typed.status).toBe(201);
    const first = (await typed.json()) as { id: string; renditions: string[] };
    expect(first.renditions).toEqual(['360p']);
    expect((await server.api(`/v1/live_streams/${first.id}/stop`, { method: 'POST' })).status).toBe(200);
    const own = await server.api('/v1/rooms/live-1/live_streams', { method: 'POST', body: { renditions: ['480p'] } });
    expect(own.status).toBe(201);
    const second = (await own.json()) as { id: string; renditions: string[] };
    expect(second.renditions).toEqual(['480p']);
    expect((await server.api(`/v1/live_streams/${second.id}/stop`, { method: 'POST' })).status).toBe(200);
  });

  it("a type's media_streams.auto_start starts its apps as the room starts; other rooms get none", async () => {
    const streamsOf = async (room: string) =>
      ((await (await server.api(`/v1/rooms/${room}/media_streams`)).json()) as { media_streams: Array<{ app: string; started_by: unknown }> }).media_streams;
    await createRoom({ name: 'notes-1', type: 'transcribed' });
    await createRoom({ name: 'notes-0' });
    await expect.poll(async () => (await streamsOf('notes-1')).map((s) => s.app), { timeout: 5000 }).toEqual(['notes']);
    expect((await streamsOf('notes-1'))[0]!.started_by).toEqual({ type: 'auto' });
    expect(await streamsOf('notes-0')).toEqual([]);
  });

  it('broadcasting.enabled: false refuses RTMP and live streams with broadcasting_disabled, over REST and the SDK', async () => {
    await createRoom({ name: 'locked-1', type: 'locked' });
    const rest = await startRtmp('locked-1', { broadcasts: [destination('a')] });
    expect(rest.status).toBe(403);
    expect(await errorCode(rest)).toBe('broadcasting_disabled');
    const live = await server.api('/v1/rooms/locked-1/live_streams', { method: 'POST', body: {} });
    expect([live.status, await errorCode(live)]).toEqual([403, 'broadcasting_disabled']);
    // The type's roles let this participant try (a default participant would get `forbidden`).
    const client = await joined('locked-1', 'pat');
    expect(await client.request('startRtmpBroadcasts', { broadcasts: [destination('a')] })).toMatchObject({ ok: false, error: { code: 'broadcasting_disabled' } });
    expect(await client.request('startLiveStream', {})).toMatchObject({ ok: false, error: { code: 'broadcasting_disabled' } });
    client.socket.close();
    expect(server.egress.composites.size).toBe(0);

    // PATCH turns it off in a room of a type that allows it; its other settings stay.
    await createRoom({ name: 'patched', type: 'webinar' });
    const patched = await server.api('/v1/rooms/patched', { method: 'PATCH', body: { settings: { broadcasting: { enabled: false } } } });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { room: RoomInfo }).room.settings.broadcasting).toMatchObject({ enabled: false, rtmp: { quality: '360p' } });
    expect(await errorCode(await startRtmp('patched', { broadcasts: [destination('a')] }))).toBe('broadcasting_disabled');
    expect((await server.api('/v1/rooms/patched', { method: 'PATCH', body: { settings: { limitz: {} } } })).status).toBe(400);
    expect((await server.api('/v1/rooms/gone', { method: 'PATCH', body: { settings: {} } })).status).toBe(404);
  });

  it('role capabilities come from the type unless the token has its own', async () => {
    await createRoom({ name: 'roles-plain' });
    const plain = await joined('roles-plain', 'quinn');
    expect(await plain.request('startRtmpBroadcasts', { broadcasts: [destination('a')] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    plain.socket.close();
    await createRoom({ name: 'roles-locked', type: 'locked' });
    const { token } = await server.auth.mintParticipant('roles-locked', { identity: 'own', name: 'own', role: 'participant', capabilities: ['subscribe'] });
    const own = await WsClient.open(wsUrl(token));
    const caps = await own.request('getRouterRtpCapabilities');
    await own.request('join', { rtpCapabilities: (caps.data as { rtpCapabilities: unknown }).rtpCapabilities });
    expect(await own.request('startRtmpBroadcasts', { broadcasts: [destination('a')] })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    own.socket.close();
    // Without capabilities of its own, the type's `participant` role may start broadcasts: it passes
    // that check and meets the next one (this type turns broadcasting off).
    const typed = await joined('roles-locked', 'typed');
    expect(await typed.request('startRtmpBroadcasts', { broadcasts: [destination('a')] })).toMatchObject({ ok: false, error: { code: 'broadcasting_disabled' } });
    typed.socket.close();
  });

  it('max_participants refuses the next connection with 429; the same identity may reconnect', async () => {
    await createRoom({ name: 'tiny-1', type: 'tiny' });
    const first = await joined('tiny-1', 'only');
    const { token } = await server.auth.mintParticipant('tiny-1', { identity: 'second', name: 'second', role: 'participant' });
    const status = await new Promise<string>((resolve) => {
      const socket = new WebSocket(wsUrl(token));
      socket.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      socket.on('open', () => {
        socket.close();
        resolve('opened');
      });
    });
    expect(status).toBe('429');
    const again = await joined('tiny-1', 'only');
    expect((await first.closed).code).toBe(4002);
    again.socket.close();
  });

  it('started_by / stopped_by / stopped_at of RTMP destinations: REST is `api`, the SDK the participant', async () => {
    await createRoom({ name: 'who', type: 'webinar' });
    expect((await startRtmp('who', { broadcasts: [destination('rest')] })).status).toBe(201);
    const client = await joined('who', 'sam');
    const started = await client.request('startRtmpBroadcasts', { broadcasts: [destination('sdk')] });
    expect(started.ok).toBe(true);
    const rtmps = (await getRoom('who')).egress.rtmps;
    expect(rtmps.find((r) => r.name === 'rest')).toMatchObject({ started_by: { type: 'api', identity: null }, stopped_by: null, stopped_at: null });
    expect(rtmps.find((r) => r.name === 'sdk')).toMatchObject({ started_by: { type: 'participant', identity: 'sam' }, stopped_by: null, stopped_at: null });

    // The SDK stops the REST one, the API stops the SDK one: each stop says who did it, in the webhook.
    expect(await client.request('stopRtmpBroadcast', { name: 'rest' })).toMatchObject({ ok: true });
    await expect.poll(() => stoppedHook('who', 'rest'), { timeout: 5000 }).toBeDefined();
    expect(stoppedHook('who', 'rest')!.data.broadcast).toMatchObject({
      status: 'stopped',
      started_by: { type: 'api', identity: null },
      stopped_by: { type: 'participant', identity: 'sam' },
      stopped_at: expect.any(String),
    });
    expect((await server.api('/v1/rooms/who/rtmp_broadcasts/sdk/stop', { method: 'POST' })).status).toBe(200);
    await expect.poll(() => stoppedHook('who', 'sdk'), { timeout: 5000 }).toBeDefined();
    const sdk = stoppedHook('who', 'sdk')!.data.broadcast as RtmpBroadcastInfo;
    expect(sdk).toMatchObject({ started_by: { type: 'participant', identity: 'sam' }, stopped_by: { type: 'api', identity: null } });
    expect(Date.parse(sdk.stopped_at!)).not.toBeNaN();

    // Stop-all from the SDK: every destination it stops names the participant.
    expect((await startRtmp('who', { broadcasts: [destination('all')] })).status).toBe(201);
    expect(await client.request('stopAllRtmpBroadcasts')).toMatchObject({ ok: true });
    await expect.poll(() => stoppedHook('who', 'all'), { timeout: 5000 }).toBeDefined();
    expect(stoppedHook('who', 'all')!.data.broadcast).toMatchObject({ stopped_by: { type: 'participant', identity: 'sam' } });
    client.socket.close();
  });
});

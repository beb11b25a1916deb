import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { SfuRoomCloseReason } from '@roomcast/sfu';
import { WsClient } from '../testing/WsClient.js';
import { startTestServer, type TestServer } from '../testServer.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The HTTP status of a /ws upgrade attempt ('101' when it opened). */
const upgradeStatus = (url: string): Promise<string> =>
  new Promise((resolve) => {
    const socket = new WebSocket(url);
    socket.on('unexpected-response', (_request, response) => resolve(String(response.statusCode)));
    socket.on('open', () => {
      socket.close();
      resolve('101');
    });
    socket.on('error', () => resolve('error'));
  });

describe('room lifecycle: empty rooms close, deleted rooms stay deleted', () => {
  let server: TestServer;
  const closed = new Map<string, SfuRoomCloseReason>();
  const wsUrl = (token: string): string => `${server.url.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}`;
  const tokenFor = async (room: string, identity: string): Promise<string> => {
    const response = await server.api(`/v1/rooms/${room}/tokens`, { method: 'POST', body: { identity, role: 'participant' } });
    return ((await response.json()) as { token: string }).token;
  };

  beforeAll(async () => {
    server = await startTestServer({ ROOM_EMPTY_TIMEOUT_S: '1' });
    server.sfu.on('roomClosed', (room, reason) => closed.set(room.name, reason));
  });
  afterAll(async () => {
    await server.close();
  });

  it('closes a room created by REST and never joined, counting from its creation', async () => {
    expect((await server.api('/v1/rooms', { method: 'POST', body: { name: 'never-joined' } })).status).toBe(201);
    await expect.poll(() => server.sfu.rooms.has('never-joined'), { timeout: 5000 }).toBe(false);
    expect(closed.get('never-joined')).toBe('empty');
    expect((await server.api('/v1/rooms/never-joined')).status).toBe(404);
  });

  it('keeps a room while someone is in it (even before join), and closes it once they leave', async () => {
    expect((await server.api('/v1/rooms', { method: 'POST', body: { name: 'occupied' } })).status).toBe(201);
    const client = await WsClient.open(wsUrl(await tokenFor('occupied', 'ann')));
    // Connected but not joined: the room is not empty.
    await sleep(2500);
    expect(server.sfu.rooms.has('occupied')).toBe(true);
    const caps = await client.request('getRouterRtpCapabilities');
    expect((await client.request('join', { rtpCapabilities: (caps.data as { rtpCapabilities: unknown }).rtpCapabilities })).ok).toBe(true);
    await sleep(1500);
    expect(server.sfu.rooms.has('occupied')).toBe(true);
    client.socket.close();
    await client.closed;
    await expect.poll(() => server.sfu.rooms.has('occupied'), { timeout: 5000 }).toBe(false);
    expect(closed.get('occupied')).toBe('empty');
  });

  it('keeps an empty room whose egress is broadcasting (a waiting card is a real show)', async () => {
    expect((await server.api('/v1/rooms', { method: 'POST', body: { name: 'on-air' } })).status).toBe(201);
    const room = server.sfu.room('on-air');
    // What the egress publishes while a destination is live; a real broadcast is the e2e suite's.
    room.egress = { ...room.egress, broadcasting: true };
    await sleep(2500);
    expect(server.sfu.rooms.has('on-air')).toBe(true);
    room.egress = { ...room.egress, broadcasting: false };
    await expect.poll(() => server.sfu.rooms.has('on-air'), { timeout: 5000 }).toBe(false);
  });

  it('answers a token for a room an admin deleted with 404 at /ws, until an admin creates it again', async () => {
    expect((await server.api('/v1/rooms', { method: 'POST', body: { name: 'deleted' } })).status).toBe(201);
    const token = await tokenFor('deleted', 'bo');
    expect((await server.api('/v1/rooms/deleted', { method: 'DELETE' })).status).toBe(204);
    expect(closed.get('deleted')).toBe('deleted');
    expect(await upgradeStatus(wsUrl(token))).toBe('404');
    expect(server.sfu.rooms.has('deleted')).toBe(false);
    // Rooms that closed for another reason (here: empty) are still auto-created.
    const other = (await server.auth.mintParticipant('never-joined', { identity: 'cy', role: 'participant' })).token;
    const client = await WsClient.open(wsUrl(other));
    expect(server.sfu.rooms.has('never-joined')).toBe(true);
    client.socket.close();
    await client.closed;
    // The admin brings it back on purpose: the old token works again.
    expect((await server.api('/v1/rooms', { method: 'POST', body: { name: 'deleted' } })).status).toBe(201);
    expect(await upgradeStatus(wsUrl(token))).toBe('101');
  });
});

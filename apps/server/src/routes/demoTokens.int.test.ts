import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testServer.js';

const mint = (server: TestServer, body: unknown): Promise<Response> =>
  server.api('/v1/demo/tokens', { method: 'POST', body, auth: false });

describe('POST /v1/demo/tokens in dev mode', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_MAX: '12' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('tells the demo that dev mode is on', async () => {
    const response = await server.api('/v1/demo', { auth: false });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ dev_mode: true });
  });

  it('creates the room and mints a token for it, with no management token', async () => {
    const response = await mint(server, { room: 'demo-lobby', name: 'Ann Lee', role: 'moderator' });
    expect(response.status).toBe(201);
    const { token, room } = (await response.json()) as { token: string; room: string };
    expect(room).toBe('demo-lobby');
    expect(server.sfu.rooms.has('demo-lobby')).toBe(true);
    const claims = await server.auth.verifyParticipant(token);
    expect(claims).toMatchObject({ name: 'Ann Lee', room: 'demo-lobby', role: 'moderator' });
    expect(claims.sub).toMatch(/^[0-9a-f]{12}-Ann Lee$/);
  });

  it('joins an existing room, and two people with one name get different identities', async () => {
    const first = (await (await mint(server, { room: 'demo-lobby', name: 'Bo', role: 'viewer' })).json()) as { token: string };
    const second = (await (await mint(server, { room: 'demo-lobby', name: 'Bo', role: 'participant' })).json()) as { token: string };
    const [a, b] = await Promise.all([server.auth.verifyParticipant(first.token), server.auth.verifyParticipant(second.token)]);
    expect(a.role).toBe('viewer');
    expect(b.role).toBe('participant');
    expect(a.sub).not.toBe(b.sub);
  });

  it('rejects bad bodies with 400 and creates nothing', async () => {
    const before = server.sfu.rooms.size;
    const cases: unknown[] = [
      {},
      { room: '../etc', name: 'x', role: 'participant' },
      { room: 'ok', name: '', role: 'participant' },
      { room: 'ok', name: 'x', role: 'admin' },
      { room: 'ok', name: 'x', role: 'participant', capabilities: ['start-broadcast'] },
    ];
    for (const body of cases) {
      const response = await mint(server, body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_body');
    }
    expect(server.sfu.rooms.size).toBe(before);
  });

  it('is rate-limited like every other route', async () => {
    let status = 0;
    for (let i = 0; i < 20 && status !== 429; i++) status = (await mint(server, { room: 'demo-limit', name: 'x', role: 'viewer' })).status;
    expect(status).toBe(429);
  });
});

describe('POST /v1/demo/tokens with real credentials', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ROOMCAST_API_KEY: 'prod-key', ROOMCAST_API_SECRET: 'a-real-secret-0123456789' });
  });
  afterAll(async () => {
    await server.close();
  });

  it('does not exist (404), nor does the dev-mode flag, and no room is created', async () => {
    const response = await mint(server, { room: 'sneaky', name: 'Eve', role: 'moderator' });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect(server.sfu.rooms.has('sneaky')).toBe(false);
    expect((await server.api('/v1/demo', { auth: false })).status).toBe(404);
  });
});

const errorCode = async (response: Response): Promise<string> => ((await response.json()) as { error: { code: string } }).error.code;

describe('POST /v1/demo/tokens on a public dev server (ROOMCAST_DEV_MODE)', () => {
  let server: TestServer;
  beforeAll(async () => {
    // Tests listen on loopback only: the config of a public HOST is set by hand.
    server = await startTestServer({}, { configure: (config) => void (config.demo.moderators = false) });
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses moderator tokens with 403 and creates nothing', async () => {
    const response = await mint(server, { room: 'public-demo', name: 'Eve', role: 'moderator' });
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('forbidden');
    expect(server.sfu.rooms.has('public-demo')).toBe(false);
  });

  it('mints participant and viewer tokens', async () => {
    for (const role of ['participant', 'viewer'] as const) {
      const response = await mint(server, { room: 'public-demo', name: 'Ann', role });
      expect(response.status, role).toBe(201);
      const { token } = (await response.json()) as { token: string };
      expect((await server.auth.verifyParticipant(token)).role).toBe(role);
    }
  });
});

describe('POST /v1/demo/tokens room budget, apart from the admin API', () => {
  let server: TestServer;
  afterEach(async () => {
    await server?.close();
  });

  it('creates at most DEMO_ROOM_CREATE_MAX new rooms per client per hour; joining and admins are not charged', async () => {
    server = await startTestServer({ DEMO_ROOM_CREATE_MAX: '2' });
    for (const room of ['quota-a', 'quota-b']) expect((await mint(server, { room, name: 'x', role: 'viewer' })).status).toBe(201);
    const third = await mint(server, { room: 'quota-c', name: 'x', role: 'viewer' });
    expect(third.status).toBe(429);
    expect(await errorCode(third)).toBe('rate_limited');
    expect(server.sfu.rooms.has('quota-c')).toBe(false);
    // An existing room costs nothing to join, and the admin API has its own budget.
    expect((await mint(server, { room: 'quota-a', name: 'y', role: 'participant' })).status).toBe(201);
    expect((await server.api('/v1/rooms', { method: 'POST', body: { name: 'quota-admin' } })).status).toBe(201);
  });

  it('keeps at most DEMO_MAX_ROOMS demo rooms open, so admins keep room slots under MAX_ROOMS', async () => {
    server = await startTestServer({ DEMO_MAX_ROOMS: '2', MAX_ROOMS: '3', DEMO_ROOM_CREATE_MAX: '50' });
    for (const room of ['cap-a', 'cap-b']) expect((await mint(server, { room, name: 'x', role: 'viewer' })).status).toBe(201);
    const third = await mint(server, { room: 'cap-c', name: 'x', role: 'viewer' });
    expect(third.status).toBe(429);
    expect(await errorCode(third)).toBe('limit_exceeded');
    expect(server.sfu.rooms.has('cap-c')).toBe(false);
    expect((await server.api('/v1/rooms', { method: 'POST', body: { name: 'cap-admin' } })).status).toBe(201);
    // A demo room that closes gives its slot back.
    expect((await server.api('/v1/rooms/cap-a', { method: 'DELETE' })).status).toBe(204);
    expect((await mint(server, { room: 'cap-c', name: 'x', role: 'viewer' })).status).toBe(201);
  });

  it('does not re-create a room an admin deleted', async () => {
    server = await startTestServer();
    expect((await mint(server, { room: 'gone', name: 'x', role: 'viewer' })).status).toBe(201);
    expect((await server.api('/v1/rooms/gone', { method: 'DELETE' })).status).toBe(204);
    const again = await mint(server, { room: 'gone', name: 'x', role: 'viewer' });
    expect(again.status).toBe(404);
    expect(await errorCode(again)).toBe('room_not_found');
    expect(server.sfu.rooms.has('gone')).toBe(false);
  });
});

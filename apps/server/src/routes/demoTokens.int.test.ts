import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

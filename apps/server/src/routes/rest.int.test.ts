import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testServer.js';

describe('REST API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ RATE_LIMIT_MAX: '1000' });
  });
  afterAll(async () => {
    await server.close();
  });

  const errorOf = async (response: Response): Promise<{ code: string; message: string }> =>
    ((await response.json()) as { error: { code: string; message: string } }).error;

  it('serves liveness and Prometheus metrics without auth', async () => {
    expect(await (await server.api('/healthz', { auth: false })).json()).toEqual({ status: 'ok', workers: 1, role: 'all', cluster: 'off' });
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'metrics-room' } });
    const metrics = await (await server.api('/metrics', { auth: false })).text();
    expect(metrics).toMatch(/^roomcast_rooms 1$/m);
    expect(metrics).toMatch(/^roomcast_mediasoup_worker_cpu_seconds\{pid="\d+"\}/m);
    await server.api('/v1/rooms/metrics-room', { method: 'DELETE' });
  });

  it('creates, lists, gets and deletes a room', async () => {
    const created = await server.api('/v1/rooms', { method: 'POST', body: { name: 'crud' } });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ room: { name: 'crud', participants: [], egress: { broadcasting: false, rtmps: [] } } });
    const generated = await server.api('/v1/rooms', { method: 'POST', body: {} });
    const generatedName = ((await generated.json()) as { room: { name: string } }).room.name;
    expect(generatedName).toMatch(/^room-[0-9a-f]{12}$/);
    const list = (await (await server.api('/v1/rooms')).json()) as { rooms: Array<{ name: string }> };
    expect(list.rooms.map((r) => r.name)).toEqual(expect.arrayContaining(['crud', generatedName]));
    expect((await server.api('/v1/rooms/crud', { method: 'DELETE' })).status).toBe(204);
    expect((await server.api('/v1/rooms/crud')).status).toBe(404);
    await server.api(`/v1/rooms/${generatedName}`, { method: 'DELETE' });
  });

  it('mints participant tokens the signaling endpoint accepts', async () => {
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'tokens' } });
    const response = await server.api('/v1/rooms/tokens/tokens', {
      method: 'POST',
      body: { identity: 'ann', name: 'Ann', role: 'viewer', ttl_seconds: 120 },
    });
    expect(response.status).toBe(201);
    const { token } = (await response.json()) as { token: string };
    await expect(server.auth.verifyParticipant(token)).resolves.toMatchObject({ sub: 'ann', name: 'Ann', room: 'tokens', role: 'viewer' });
    expect((await server.api('/v1/rooms/nowhere/tokens', { method: 'POST', body: { identity: 'x', role: 'viewer' } })).status).toBe(404);
  });

  it('rejects missing, forged, expired and non-admin tokens', async () => {
    expect(await errorOf(await server.api('/v1/rooms', { auth: false }))).toMatchObject({ code: 'unauthorized' });
    const forged = await new SignJWT({ grants: { admin: true } })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('devkey')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('wrong-secret'));
    expect((await server.api('/v1/rooms', { auth: forged })).status).toBe(401);
    const expired = await new SignJWT({ grants: { admin: true } })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('devkey')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode('devsecret'));
    expect(await errorOf(await server.api('/v1/rooms', { auth: expired }))).toEqual({ code: 'invalid_token', message: 'token expired' });
    const participant = await server.participantToken('auth-room', 'p1');
    expect((await server.api('/v1/rooms', { auth: participant })).status).toBe(403);
  });

  it('answers bad bodies with 400 and changes nothing', async () => {
    const before = server.sfu.rooms.size;
    const cases: unknown[] = ['{oops', { name: '../etc' }, { name: 'x'.repeat(65) }, { name: 'ok', extra: 1 }, { name: 42 }];
    for (const body of cases) {
      const response = await server.api('/v1/rooms', { method: 'POST', body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect((await errorOf(response)).code).toMatch(/^invalid_body$/);
    }
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'bodies' } });
    const badToken = await server.api('/v1/rooms/bodies/tokens', { method: 'POST', body: { identity: 'x', role: 'king' } });
    expect(badToken.status).toBe(400);
    expect(server.sfu.rooms.size).toBe(before + 1);
  });

  it('answers a duplicate room with 409 and unknown routes with 404', async () => {
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'dup' } });
    const again = await server.api('/v1/rooms', { method: 'POST', body: { name: 'dup' } });
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toMatchObject({ code: 'conflict' });
    expect(await errorOf(await server.api('/v1/nothing-here'))).toMatchObject({ code: 'not_found' });
  });

  it('publishes an OpenAPI document and its UI', async () => {
    const doc = (await (await server.api('/docs/json', { auth: false })).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/rooms', '/v1/rooms/{room}', '/v1/rooms/{room}/tokens']));
    expect((await server.api('/docs', { auth: false })).status).toBeLessThan(400);
  });
});

describe('REST rate limit', () => {
  it('answers 429 with an error body past the limit', async () => {
    const server = await startTestServer({ RATE_LIMIT_MAX: '3' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await server.api('/v1/rooms')).status);
      expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
      const limited = await server.api('/v1/rooms');
      expect(limited.status).toBe(429);
      expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('rate_limited');
    } finally {
      await server.close();
    }
  });
});

describe('REST with an empty JSON body', () => {
  it('accepts content-type application/json with no body on DELETE and body-less POSTs', async () => {
    const server = await startTestServer();
    try {
      await server.sfu.createRoom('empty-body');
      const token = await server.adminToken();
      const response = await fetch(`${server.url}/v1/rooms/empty-body`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
      expect(response.status).toBe(204);
      const created = await fetch(`${server.url}/v1/rooms`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      });
      expect(created.status).toBe(201);
    } finally {
      await server.close();
    }
  });
});

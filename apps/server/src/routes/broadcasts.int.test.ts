import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../testServer.js';

/** Broadcast requests that must be refused before anything starts (no RTMP server needed). */
describe('broadcast limits and validation', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ EGRESS_MAX_DESTINATIONS_PER_ROOM: '2', EGRESS_MAX_COMPOSITES: '1' });
    await server.sfu.createRoom('limits');
    await server.sfu.createRoom('second');
  });
  afterAll(async () => {
    await server.close();
  });

  const destination = (name: string) => ({ name, stream_url: 'rtmp://127.0.0.1:9/live', stream_key: 'k' });
  const start = (room: string, body: unknown) => server.api(`/v1/rooms/${room}/rtmp_broadcasts`, { method: 'POST', body });

  it('refuses more destinations than a room may have, starting nothing', async () => {
    const response = await start('limits', { broadcasts: [destination('a'), destination('b'), destination('c')] });
    expect(response.status).toBe(429);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('limit_exceeded');
    expect(server.egress.composites.size).toBe(0);
  });

  it('refuses a name used twice in one request, and unknown layouts or qualities', async () => {
    expect((await start('limits', { broadcasts: [destination('a'), destination('a')] })).status).toBe(409);
    expect((await start('limits', { broadcasts: [destination('a')], layout: 'mosaic' })).status).toBe(400);
    expect((await start('limits', { broadcasts: [destination('a')], quality: '4k' })).status).toBe(400);
    expect(server.egress.composites.size).toBe(0);
  });

  it('refuses a second composite past the server limit, and a quality change on a running one', async () => {
    expect((await start('limits', { broadcasts: [destination('a')], quality: '360p' })).status).toBe(201);
    expect((await start('second', { broadcasts: [destination('a')] })).status).toBe(429);
    const metrics = await (await server.api('/metrics', { auth: false })).text();
    expect(metrics).toMatch(/^roomcast_egress_composites 1$/m);
    expect(metrics).toMatch(/^roomcast_egress_destinations\{status="(starting|retrying)"\} 1$/m);
    expect((await start('limits', { broadcasts: [destination('b')], quality: '720p' })).status).toBe(409);
    expect((await server.api('/v1/rooms/limits/rtmp_broadcasts/nope/stop', { method: 'POST' })).status).toBe(404);
    expect((await server.api('/v1/rooms/limits/rtmp_broadcasts/stop', { method: 'POST' })).status).toBe(200);
    expect(server.egress.composites.size).toBe(0);
  });
});

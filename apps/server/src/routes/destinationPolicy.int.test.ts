import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_ALLOWED_MESSAGE } from '@roomcast/egress';
import { startTestServer, type TestServer } from '../testServer.js';

const KEY = 'sk_live_never_echo_5e1d';

interface ErrorReply {
  error: { code: string; message: string };
}

/**
 * Issue 9, findings 3 and 4: where a broadcast may go and what a stream key may be, decided
 * before anything starts. Only loopback addresses are ever connected to: the allowed destination
 * is 127.0.0.2 on a port nothing listens on.
 */
describe('destination policy and stream key validation (REST)', () => {
  let server: TestServer;
  const start = (body: unknown) => server.api('/v1/rooms/policy/rtmp_broadcasts', { method: 'POST', body });
  const one = (stream_url: string, stream_key: string = KEY) => ({ broadcasts: [{ name: 'dest', stream_url, stream_key }], quality: '360p' });
  const reply = async (response: Response) => ({ status: response.status, text: await response.text() });

  beforeAll(async () => {
    server = await startTestServer({ EGRESS_ALLOW_PRIVATE_DESTINATIONS: 'false', EGRESS_DESTINATION_ALLOWLIST: '127.0.0.2' });
    await server.sfu.createRoom('policy');
  });
  afterAll(async () => {
    await server?.close();
  });

  it('refuses loopback, private, link-local (metadata) and names resolving to loopback, with one coarse 400', async () => {
    for (const url of [
      'rtmp://127.0.0.1:1935/live',
      'rtmp://10.0.0.1/live',
      'rtmp://169.254.169.254/latest',
      'rtmp://[::1]:1935/live',
      'rtmp://[::ffff:127.0.0.1]/live',
      'rtmps://localhost:443/live',
      'rtmp://0.0.0.0/live',
      'rtmp://192.168.1.10:1935/live',
    ]) {
      const { status, text } = await reply(await start(one(url)));
      expect(status, url).toBe(400);
      expect(JSON.parse(text) as ErrorReply, url).toEqual({ error: { code: 'destination_not_allowed', message: NOT_ALLOWED_MESSAGE } });
      expect(text).not.toContain(KEY);
    }
    // One refused destination among allowed ones: the whole request is refused.
    const mixed = { broadcasts: [{ name: 'ok', stream_url: 'rtmp://127.0.0.2:9/live' }, { name: 'bad', stream_url: 'rtmp://127.0.0.1:9/live' }] };
    expect((await start(mixed)).status).toBe(400);
    expect(server.egress.composites.size).toBe(0);
    expect(server.sfu.room('policy').egress.rtmps).toEqual([]);
  });

  it('refuses keys with NUL, CR/LF or spaces and URLs with user info as invalid_body, never echoing them', async () => {
    const bodies = [
      one('rtmp://127.0.0.2:9/live', `${KEY}\u0000`),
      one('rtmp://127.0.0.2:9/live', `${KEY}\r\nx`),
      one('rtmp://127.0.0.2:9/live', `${KEY} x`),
      one('rtmp://127.0.0.2:9/live', 'k'.repeat(513)),
      one(`rtmp://user:${KEY}@127.0.0.2:9/live`),
      one(`rtmp://127.0.0.2:9/live\n${KEY}`),
    ];
    for (const body of bodies) {
      const { status, text } = await reply(await start(body));
      expect(status).toBe(400);
      expect((JSON.parse(text) as ErrorReply).error.code).toBe('invalid_body');
      expect(text).not.toContain(KEY);
      expect(text).not.toContain('k'.repeat(100));
    }
    expect(server.egress.composites.size).toBe(0);
  });

  it('accepts an allowlisted host, with an upper-case scheme, and starts its relay', async () => {
    const response = await start(one('RTMP://127.0.0.2:9/live'));
    expect(response.status).toBe(201);
    expect(await response.text()).not.toContain(KEY);
    expect(server.egress.composites.get('policy')?.relays.get('dest')?.options.streamUrl).toBe('rtmp://127.0.0.2:9/live');
    expect((await server.api('/v1/rooms/policy/rtmp_broadcasts/stop', { method: 'POST' })).status).toBe(200);
    expect(server.egress.composites.size).toBe(0);
  });
});

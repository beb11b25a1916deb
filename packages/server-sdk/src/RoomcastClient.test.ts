import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { RoomcastApiError } from './RoomcastApiError.js';
import { RoomcastClient } from './RoomcastClient.js';

interface Sent {
  method: string;
  url: string;
  authorization: string;
  body: unknown;
}

/**
 * A fetch that answers `reply` and records requests. The real server is exercised by
 * serverSdk.int.test.ts; this pins the paths, bodies and error mapping of every method.
 */
function stubFetch(reply: () => Response | Promise<Response>): { fetch: typeof fetch; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetchStub = (async (url: string, init: RequestInit) => {
    const headers = init.headers as Record<string, string>;
    sent.push({ method: init.method!, url, authorization: headers.authorization!, body: init.body === undefined ? undefined : JSON.parse(init.body as string) });
    return reply();
  }) as unknown as typeof fetch;
  return { fetch: fetchStub, sent };
}

const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const options = { url: 'http://127.0.0.1:7880/', apiKey: 'key', apiSecret: 'secret' };

describe('RoomcastClient', () => {
  it('calls each route with its method, path and body, signing an admin token', async () => {
    const { fetch, sent } = stubFetch(json(200, { room: { name: 'r' }, rooms: [], egress: {}, live_streams: [], media_streams: [], recordings: [] }));
    const client = new RoomcastClient({ ...options, fetch });
    await client.rooms.create({ name: 'r' });
    await client.rooms.list();
    await client.rooms.get('a b');
    await client.rooms.update('r', { broadcasting: { enabled: false } } as never);
    await client.rooms.createToken('r', { identity: 'alice', role: 'viewer' });
    await client.rtmpBroadcasts.start('r', { broadcasts: [{ name: 'yt', stream_url: 'rtmp://h/app', stream_key: 'k' }] });
    await client.rtmpBroadcasts.stop('r', 'yt');
    await client.rtmpBroadcasts.stopAll('r');
    await client.egress.setLayout('r', 'grid');
    await client.liveStreams.start('r');
    await client.liveStreams.get('ls1');
    await client.liveStreams.list('r');
    await client.liveStreams.stop('ls1');
    await client.mediaStreams.start('r', { app: 'bot', transcript: true });
    await client.mediaStreams.get('m1');
    await client.mediaStreams.list('r');
    await client.mediaStreams.pause('m1');
    await client.mediaStreams.resume('m1');
    await client.mediaStreams.stop('m1');
    await client.recordings.list();
    await client.recordings.get('rec1');
    expect(sent.map((s) => `${s.method} ${s.url.replace('http://127.0.0.1:7880', '')}`)).toEqual([
      'POST /v1/rooms', 'GET /v1/rooms', 'GET /v1/rooms/a%20b', 'PATCH /v1/rooms/r', 'POST /v1/rooms/r/tokens',
      'POST /v1/rooms/r/rtmp_broadcasts', 'POST /v1/rooms/r/rtmp_broadcasts/yt/stop', 'POST /v1/rooms/r/rtmp_broadcasts/stop',
      'PUT /v1/rooms/r/egress/layout', 'POST /v1/rooms/r/live_streams', 'GET /v1/live_streams/ls1', 'GET /v1/rooms/r/live_streams',
      'POST /v1/live_streams/ls1/stop', 'POST /v1/rooms/r/media_streams', 'GET /v1/media_streams/m1', 'GET /v1/rooms/r/media_streams',
      'POST /v1/media_streams/m1/pause', 'POST /v1/media_streams/m1/resume', 'POST /v1/media_streams/m1/stop',
      'GET /v1/recordings', 'GET /v1/recordings/rec1',
    ]);
    expect(sent[3]!.body).toEqual({ settings: { broadcasting: { enabled: false } } });
    expect(sent[8]!.body).toEqual({ layout: 'grid' });
    // One admin token, minted once and reused.
    expect(new Set(sent.map((s) => s.authorization)).size).toBe(1);
    const { payload } = await jwtVerify(sent[0]!.authorization.replace('Bearer ', ''), new TextEncoder().encode('secret'), { issuer: 'key' });
    expect(payload.grants).toEqual({ admin: true });
  });

  it("turns the server's {error:{code,message}} into a RoomcastApiError", async () => {
    const { fetch } = stubFetch(json(404, { error: { code: 'room_not_found', message: 'room "x" not found' } }));
    const error = await new RoomcastClient({ ...options, fetch }).rooms.get('x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomcastApiError);
    expect(error).toMatchObject({ status: 404, code: 'room_not_found', message: 'room "x" not found' });
  });

  it('a non-JSON error keeps its status; a 204 resolves to undefined', async () => {
    const { fetch } = stubFetch(() => new Response('<html>bad gateway</html>', { status: 502 }));
    await expect(new RoomcastClient({ ...options, fetch }).rooms.list()).rejects.toMatchObject({ status: 502, code: 'unexpected_response' });
    const noContent = stubFetch(() => new Response(null, { status: 204 }));
    await expect(new RoomcastClient({ ...options, fetch: noContent.fetch }).rooms.delete('r')).resolves.toBeUndefined();
  });

  it('an unreachable server is a network_error with status 0 and no secret in the message', async () => {
    const client = new RoomcastClient({ url: 'http://127.0.0.1:1', apiKey: 'key', apiSecret: 'secret' });
    const error = (await client.rooms.list().catch((e: unknown) => e)) as RoomcastApiError;
    expect(error).toMatchObject({ status: 0, code: 'network_error' });
    expect(error.message).not.toContain('secret');
  });

  it('refuses a URL that is not http(s) before sending anything', () => {
    expect(() => new RoomcastClient({ ...options, url: 'ftp://x' })).toThrow(expect.objectContaining({ code: 'bad_request' }));
    expect(() => new RoomcastClient({ ...options, url: 'not a url' })).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });

  it('keeps the code and message of an error this SDK does not know yet', async () => {
    const { fetch } = stubFetch(json(418, { error: { code: 'teapot', message: 'short and stout' } }));
    await expect(new RoomcastClient({ ...options, fetch }).rooms.list()).rejects.toMatchObject({ status: 418, code: 'teapot', message: 'short and stout' });
  });
});

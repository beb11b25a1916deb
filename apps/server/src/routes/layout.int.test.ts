import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EgressState } from '@roomcast/protocol';
import { WsClient } from '../testing/WsClient.js';
import { startTestServer, type TestServer } from '../testServer.js';

/** A port nothing listens on: the relay retries there, which is all a layout change needs of a destination. */
const destination = { name: 'a', stream_url: 'rtmp://127.0.0.1:9/live', stream_key: 'k' };

describe('changing the layout live (PUT /v1/rooms/:room/egress/layout, setLayout)', () => {
  let server: TestServer;
  const putLayout = (room: string, body: unknown) => server.api(`/v1/rooms/${room}/egress/layout`, { method: 'PUT', body });
  const errorCode = async (response: Response): Promise<string> => ((await response.json()) as { error: { code: string } }).error.code;
  const joined = async (room: string, identity: string, role: 'participant' | 'moderator') => {
    const { token } = await server.auth.mintParticipant(room, { identity, name: identity, role });
    const client = await WsClient.open(`${server.url.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}`);
    const caps = await client.request('getRouterRtpCapabilities');
    expect((await client.request('join', { rtpCapabilities: (caps.data as { rtpCapabilities: unknown }).rtpCapabilities })).ok).toBe(true);
    return client;
  };

  beforeAll(async () => {
    // The destination policy as in production (private refused), with loopback allowlisted for the relay:
    // a logo on any other private host is refused by the same policy.
    server = await startTestServer({ EGRESS_ALLOW_PRIVATE_DESTINATIONS: 'false', EGRESS_DESTINATION_ALLOWLIST: '127.0.0.1' });
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'live' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('is 404 without a running composite and 400 for a bad layout', async () => {
    expect(await errorCode(await putLayout('live', { layout: 'spotlight' }))).toBe('egress_not_found');
    expect((await putLayout('live', { layout: { name: 'grid', options: { gap: -1 } } })).status).toBe(400);
    expect((await putLayout('live', {})).status).toBe(400);
    expect((await putLayout('nowhere', { layout: 'grid' })).status).toBe(404);
    const doc = (await (await server.api('/docs/json', { auth: false })).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/v1/rooms/{room}/egress/layout'] ?? {})).toEqual(['put']);
  });

  it('refuses a logo on a host the destination policy refuses, at request time, changing nothing', async () => {
    const logo = (host: string) => ({ name: 'grid', options: { logo: { url: `http://${host}/logo.png` } } });
    const start = await server.api('/v1/rooms/live/rtmp_broadcasts', { method: 'POST', body: { quality: '360p', layout: logo('10.0.0.7'), broadcasts: [destination] } });
    expect(start.status).toBe(400);
    expect(server.egress.composites.size).toBe(0);
    const live = await server.api('/v1/rooms/live/live_streams', { method: 'POST', body: { quality: '360p', layout: logo('10.0.0.7') } });
    expect(live.status).toBe(400);
    expect(server.egress.composites.size).toBe(0);
    expect((await server.api('/v1/rooms/live/rtmp_broadcasts', { method: 'POST', body: { quality: '360p', broadcasts: [destination] } })).status).toBe(201);
    const composite = server.egress.composites.get('live')!;
    for (const host of ['10.0.0.7', '169.254.169.254', '192.168.1.10']) {
      const response = await putLayout('live', { layout: logo(host) });
      expect(response.status, host).toBe(400);
      expect(await errorCode(response)).toBe('bad_request');
    }
    expect(composite.layout).toEqual({ name: 'grid', options: {} });
  });

  it('changes the running composite over REST: same composite, same relay', async () => {
    const composite = server.egress.composites.get('live')!;
    const layout = { name: 'spotlight', options: { pinned: ['bob'], gap: 0, background: '#000000', banner: { text: 'Hello' } } };
    const response = await putLayout('live', { layout });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { egress: EgressState }).egress.layout).toEqual(layout);
    expect(server.egress.composites.get('live')).toBe(composite);
    expect(composite.compositor.layout).toEqual(layout);
    expect(composite.relays.get('a')?.status).not.toBe('stopped');
    // Back to a bare name: reported as the bare name again.
    expect(((await (await putLayout('live', { layout: 'grid' })).json()) as { egress: EgressState }).egress.layout).toBe('grid');
  });

  it('lets a moderator change it from the SDK (setLayout), not a plain participant', async () => {
    const plain = await joined('live', 'pat', 'participant');
    const moderator = await joined('live', 'mo', 'moderator');
    try {
      expect(await plain.request('setLayout', { layout: 'spotlight' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(server.egress.composites.get('live')!.layout.name).toBe('grid');
      const reply = await moderator.request('setLayout', { layout: { name: 'single-participant', options: { pinned: ['mo'] } } });
      expect(reply).toMatchObject({ ok: true, data: { egress: { layout: { name: 'single-participant', options: { pinned: ['mo'] } } } } });
      expect(server.egress.composites.get('live')!.layout.name).toBe('single-participant');
      expect(await moderator.request('setLayout', { layout: { name: 'grid', options: { gap: 99 } } })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    } finally {
      plain.socket.close();
      moderator.socket.close();
      await server.api('/v1/rooms/live/rtmp_broadcasts/stop', { method: 'POST' });
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WsClient } from '../testing/WsClient.js';
import { startTestServer, type TestServer } from '../testServer.js';

describe('signaling over WebSocket', () => {
  let server: TestServer;
  const wsUrl = (token: string): string => `${server.url.replace('http', 'ws')}/ws?token=${encodeURIComponent(token)}`;

  const joinedClient = async (room: string, identity: string, role: 'participant' | 'viewer' | 'moderator' = 'participant') => {
    const client = await WsClient.open(wsUrl(await server.participantToken(room, identity, role)));
    const caps = await client.request('getRouterRtpCapabilities');
    expect(caps.ok).toBe(true);
    const rtpCapabilities = (caps.data as { rtpCapabilities: unknown }).rtpCapabilities;
    const joined = await client.request('join', { rtpCapabilities });
    expect(joined.ok).toBe(true);
    return { client, joined: joined.data as Record<string, unknown> };
  };

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('rejects a bad token with HTTP 401 before upgrading', async () => {
    const error = await new Promise<string>((resolve) => {
      const socket = new WebSocket(wsUrl('not-a-jwt'));
      socket.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      socket.on('open', () => resolve('opened'));
    });
    expect(error).toBe('401');
  });

  it('joins, shows the participant over REST, and tells the others', async () => {
    const { client: alice, joined } = await joinedClient('sig-join', 'alice');
    expect((joined.participant as { identity: string }).identity).toBe('alice');
    const { client: bob } = await joinedClient('sig-join', 'bob');
    const note = await alice.waitFor((m) => m.method === 'participantJoined');
    expect((note.data as { participant: { identity: string } }).participant.identity).toBe('bob');
    const room = (await (await server.api('/v1/rooms/sig-join')).json()) as { room: { participants: Array<{ identity: string }> } };
    expect(room.room.participants.map((p) => p.identity).sort()).toEqual(['alice', 'bob']);
    bob.socket.close();
    await alice.waitFor((m) => m.method === 'participantLeft');
    alice.socket.close();
  });

  it('answers bad messages with error replies and keeps the socket usable', async () => {
    const { client } = await joinedClient('sig-bad', 'carol');
    client.sendRaw('{not json');
    const notJson = await client.waitFor((m) => m.ok === false && m.id === null);
    expect((notJson.error as { code: string }).code).toBe('invalid_message');
    const unknown = await client.request('explode', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'method_not_allowed' } });
    const badData = await client.request('createTransport', { direction: 'sideways' });
    expect(badData).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    const missing = await client.request('resumeConsumer', { consumerId: 'nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'consumer_not_found' } });
    const twice = await client.request('join', { rtpCapabilities: {} });
    expect(twice).toMatchObject({ ok: false, error: { code: 'already_joined' } });
    const stillWorks = await client.request('getRouterRtpCapabilities');
    expect(stillWorks.ok).toBe(true);
    client.socket.close();
  });

  it('refuses media requests before join', async () => {
    const client = await WsClient.open(wsUrl(await server.participantToken('sig-prejoin', 'dave')));
    const reply = await client.request('closeProducer', { producerId: 'x' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'not_joined' } });
    client.socket.close();
  });

  it('does not let a viewer create a send transport', async () => {
    const { client } = await joinedClient('sig-viewer', 'erin', 'viewer');
    const reply = await client.request('createTransport', { direction: 'send' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const recv = await client.request('createTransport', { direction: 'recv' });
    expect(recv.ok).toBe(true);
    client.socket.close();
  });

  it('closes an oversized message with 1009 and removes the participant', async () => {
    const { client } = await joinedClient('sig-big', 'frank');
    client.sendRaw(JSON.stringify({ id: 1, method: 'join', data: { pad: 'x'.repeat(300 * 1024) } }));
    expect((await client.closed).code).toBe(1009);
    await expect.poll(() => server.sfu.room('sig-big').participants.size).toBe(0);
  });

  it('replaces an older connection that has the same identity', async () => {
    const { client: first } = await joinedClient('sig-dup', 'gina');
    const { client: second } = await joinedClient('sig-dup', 'gina');
    expect((await first.closed).code).toBe(4002);
    expect(first.messages.some((m) => m.method === 'replaced')).toBe(true);
    expect(server.sfu.room('sig-dup').participants.size).toBe(1);
    second.socket.close();
  });

  it('lets moderators, and only them by default, control broadcasts from the SDK', async () => {
    const { client: member } = await joinedClient('sig-egress', 'ivan', 'participant');
    const destination = { broadcasts: [{ name: 'yt', stream_url: 'rtmp://127.0.0.1:9/live', stream_key: 'k' }], quality: '360p' };
    expect(await member.request('startRtmpBroadcasts', destination)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await member.request('startRtmpBroadcasts', { broadcasts: [{ name: 'x', stream_url: 'file:///etc/passwd' }] })).toMatchObject({
      ok: false,
      error: { code: 'invalid_message' },
    });
    const { client: moderator } = await joinedClient('sig-egress', 'judy', 'moderator');
    const started = await moderator.request('startRtmpBroadcasts', destination);
    expect(started).toMatchObject({ ok: true, data: { egress: { broadcasting: true, rtmps: [{ name: 'yt' }] } } });
    await member.waitFor((m) => m.method === 'egressUpdated');
    expect(await member.request('stopAllRtmpBroadcasts')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await moderator.request('stopAllRtmpBroadcasts')).toMatchObject({ ok: true, data: { egress: { broadcasting: false, rtmps: [] } } });
    member.socket.close();
    moderator.socket.close();
  });

  it('tells participants when their room is deleted, then closes their sockets', async () => {
    const { client } = await joinedClient('sig-del', 'hank');
    const response = await server.api('/v1/rooms/sig-del', { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect((await client.closed).code).toBe(4001);
    expect(client.messages.find((m) => m.method === 'roomClosed')).toMatchObject({ data: { reason: 'deleted' } });
  });
});

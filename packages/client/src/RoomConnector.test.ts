import { describe, expect, it, vi } from 'vitest';
import type { NotificationTarget } from './notificationHandlers.js';
import type { Publisher } from './Publisher.js';
import { RoomConnector, type RoomConnectorOptions } from './RoomConnector.js';
import type { Subscriptions } from './Subscriptions.js';
// Fake socket + scripted server + mediasoup-client's FakeHandler: Node has no WebSocket or
// RTCPeerConnection. Real media and the real server are covered in Chromium end to end.
import { createFakeDevice, FakeSignalServer, participantInfo } from './testing/FakeSignalServer.js';

function setup(overrides: Partial<RoomConnectorOptions> = {}) {
  const server = new FakeSignalServer();
  const log: string[] = [];
  const subscriptions = { upsert: (info: { id: string }) => log.push(`upsert ${info.id}`) };
  const target: NotificationTarget = {
    subscriptions: subscriptions as unknown as Subscriptions,
    publisher: {} as Publisher,
    setActiveSpeaker: (id) => log.push(`speaker ${id}`),
    setEgress: () => undefined,
    emitRoomEvent: () => undefined,
    mediaStreamRequested: () => undefined,
    mediaStreamRequestAnswered: () => undefined,
  };
  const connector = new RoomConnector({
    url: 'http://server:3000',
    token: 'tok',
    publish: true,
    policy: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, factor: 2, jitter: 0 },
    signaling: { createWebSocket: server.createWebSocket, requestTimeoutMs: 1000 },
    createDevice: createFakeDevice,
    target,
    onJoined: (joined) => log.push(`joined ${joined.participant.id}`),
    attach: async () => void log.push('attach'),
    detach: () => log.push('detach'),
    setState: (state) => log.push(`state ${state}`),
    end: (reason) => log.push(`end ${reason}`),
    ...overrides,
  });
  return { server, connector, log };
}

const settle = (ms = 30): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('RoomConnector: first join', () => {
  it('opens the socket with the token, sets up the device and transports, then joins', async () => {
    const { server, connector, log } = setup();
    await connector.start();
    expect(server.last.url).toBe('ws://server:3000/ws?token=tok');
    expect(server.methods()).toEqual(['getRouterRtpCapabilities', 'createTransport:recv', 'createTransport:send', 'join']);
    expect(log).toEqual(['state connecting', 'joined self-1', 'attach', 'state connected']);
    expect(connector.current?.session.sendTransport).toBeDefined();
  });

  it('asks for no send transport when it may not publish, and tolerates a forbidden one', async () => {
    const viewer = setup({ publish: false });
    await viewer.connector.start();
    expect(viewer.server.methods()).not.toContain('createTransport:send');

    const refused = setup();
    refused.server.fail = (r) => ((r.data as { direction?: string }).direction === 'send' ? 'forbidden' : undefined);
    await refused.connector.start();
    expect(refused.connector.current?.session.sendTransport).toBeUndefined();
  });

  it('handles notifications sent before the join reply only after it', async () => {
    const { server, connector, log } = setup();
    server.beforeJoinReply = (socket) => socket.receive({ method: 'participantJoined', data: { participant: participantInfo('early') } });
    await connector.start();
    await settle();
    expect(log.indexOf('upsert early')).toBeGreaterThan(log.indexOf('joined self-1'));
  });

  it('a failed first join rejects and does not retry', async () => {
    const { server, connector, log } = setup();
    server.fail = (r) => (r.method === 'join' ? 'room_not_found' : undefined);
    await expect(connector.start()).rejects.toMatchObject({ code: 'room_not_found' });
    await settle();
    expect(server.sockets).toHaveLength(1);
    expect(server.sockets[0]!.closedWith).toBe(1000);
    expect(log).toEqual(['state connecting', 'state disconnected']);
  });
});

describe('RoomConnector: reconnect', () => {
  it('after a dropped socket, runs the whole join flow again on a new socket', async () => {
    const { server, connector, log } = setup();
    await connector.start();
    const first = connector.current!;
    log.length = 0;
    server.last.drop(1006);
    await vi.waitFor(() => expect(log).toContain('state connected'));
    expect(log).toEqual(['detach', 'state reconnecting', 'joined self-2', 'attach', 'state connected']);
    expect(first.session.closed).toBe(true);
    expect(server.sockets).toHaveLength(2);
    expect(server.methods()).toContain('createTransport:send');
  });

  it('ignores notifications from the dropped connection', async () => {
    const { server, connector, log } = setup();
    await connector.start();
    const old = server.last;
    old.drop(1006);
    old.receive({ method: 'participantJoined', data: { participant: participantInfo('ghost') } });
    await vi.waitFor(() => expect(log).toContain('state connected'));
    await settle();
    expect(log).not.toContain('upsert ghost');
  });

  it('gives up after the policy\'s attempts', async () => {
    const { server, connector, log } = setup();
    await connector.start();
    server.refuse = true;
    server.last.drop(1006);
    await vi.waitFor(() => expect(log).toContain('end reconnect_failed'));
    expect(server.sockets).toHaveLength(1 + 3);
    expect(connector.ended).toBe(true);
  });

  it('stops at once when a retry is refused for good (bad token)', async () => {
    const { server, connector, log } = setup();
    await connector.start();
    server.fail = (r) => (r.method === 'join' ? 'invalid_token' : undefined);
    server.last.drop(1006);
    await vi.waitFor(() => expect(log).toContain('end reconnect_failed'));
    expect(server.sockets).toHaveLength(2);
  });
});

describe('RoomConnector: endings that must not reconnect', () => {
  it('roomClosed ends the room, and the close that follows does not reconnect', async () => {
    const { server, connector, log } = setup();
    await connector.start();
    server.last.receive({ method: 'roomClosed', data: { reason: 'deleted', message: 'gone' } });
    server.last.drop(4001);
    await settle();
    expect(log.filter((l) => l.startsWith('end'))).toEqual(['end room_closed']);
    expect(server.sockets).toHaveLength(1);
  });

  it('a replaced close code ends the room even without its notification', async () => {
    const { server, connector, log } = setup();
    await connector.start();
    server.last.drop(4002);
    await settle();
    expect(log).toContain('end replaced');
    expect(server.sockets).toHaveLength(1);
  });

  it('leave() tells the server, ends once, and a later close does not reconnect', async () => {
    const { server, connector, log } = setup();
    await connector.start();
    await Promise.all([connector.leave(), connector.leave()]);
    server.last.drop(1000);
    await settle();
    expect(server.methods()).toContain('leave');
    expect(log.filter((l) => l.startsWith('end'))).toEqual(['end left']);
    expect(server.sockets).toHaveLength(1);
  });

  it('leave() while reconnecting stops the retries', async () => {
    const { server, connector, log } = setup({
      policy: { maxAttempts: 50, initialDelayMs: 5, maxDelayMs: 5, factor: 1, jitter: 0 },
    });
    await connector.start();
    server.refuse = true;
    server.last.drop(1006);
    await vi.waitFor(() => expect(server.sockets.length).toBeGreaterThan(2));
    await connector.leave();
    const count = server.sockets.length;
    await settle(50);
    expect(server.sockets.length).toBeLessThanOrEqual(count + 1); // At most the attempt already under way.
    expect(log.filter((l) => l.startsWith('end'))).toEqual(['end left']);
  });
});

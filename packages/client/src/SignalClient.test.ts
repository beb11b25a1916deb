import { afterEach, describe, expect, it, vi } from 'vitest';
import { RoomcastError } from './errors.js';
import { SignalClient, type SignalNotification } from './SignalClient.js';
// A fake socket (Node 20 has no WebSocket; see its comment): the "server" is driven by hand.
import { FakeWebSocket } from './testing/FakeWebSocket.js';

async function connected(options: { requestTimeoutMs?: number } = {}): Promise<{ client: SignalClient; socket: FakeWebSocket }> {
  let socket!: FakeWebSocket;
  const client = new SignalClient({
    ...options,
    createWebSocket: (url) => (socket = new FakeWebSocket(url)),
  });
  const opening = client.connect('ws://server/ws?token=t');
  socket.open();
  await opening;
  return { client, socket };
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('SignalClient requests', () => {
  it('correlates replies by id, even out of order, and validates their data', async () => {
    const { client, socket } = await connected();
    const caps = client.request('getRouterRtpCapabilities', {});
    const transport = client.request('createTransport', { direction: 'recv' });
    expect(socket.sent.map((m) => m.method)).toEqual(['getRouterRtpCapabilities', 'createTransport']);
    const [first, second] = socket.sent;
    socket.receive({
      id: second!.id,
      ok: true,
      data: { id: 't1', iceParameters: {}, iceCandidates: [], dtlsParameters: {} },
    });
    socket.receive({ id: first!.id, ok: true, data: { rtpCapabilities: { codecs: [] } } });
    await expect(transport).resolves.toMatchObject({ id: 't1' });
    await expect(caps).resolves.toEqual({ rtpCapabilities: { codecs: [] } });
  });

  it('turns an error reply into a RoomcastError with the server code and message', async () => {
    const { client, socket } = await connected();
    const reply = client.request('createTransport', { direction: 'send' });
    socket.receive({ id: socket.sent[0]!.id, ok: false, error: { code: 'forbidden', message: 'viewers cannot publish' } });
    const error = await reply.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomcastError);
    expect(error).toMatchObject({ code: 'forbidden', message: 'viewers cannot publish' });
  });

  it('rejects a reply whose data does not match the protocol', async () => {
    const { client, socket } = await connected();
    const reply = client.request('produce', { transportId: 't', kind: 'video', rtpParameters: { codecs: [] }, source: 'camera' });
    socket.receive({ id: socket.sent[0]!.id, ok: true, data: { producerId: 42 } });
    await expect(reply).rejects.toMatchObject({ code: 'invalid_response' });
  });

  it('times out with a clear error, and ignores the late reply', async () => {
    vi.useFakeTimers();
    const { client, socket } = await connected({ requestTimeoutMs: 500 });
    const reply = client.request('resumeConsumer', { consumerId: 'c1' });
    const settled = reply.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(500);
    expect(await settled).toMatchObject({ code: 'timeout', message: 'resumeConsumer got no reply within 500 ms' });
    expect(() => socket.receive({ id: socket.sent[0]!.id, ok: true, data: {} })).not.toThrow();
  });

  it('fails waiting requests when the socket drops, and emits closed', async () => {
    const { client, socket } = await connected();
    const closed = vi.fn();
    client.on('closed', closed);
    const reply = client.request('leave', {});
    socket.drop(1006);
    await expect(reply).rejects.toMatchObject({ code: 'connection_closed' });
    expect(closed).toHaveBeenCalledWith(1006, '');
    expect(client.connected).toBe(false);
    await expect(client.request('leave', {})).rejects.toMatchObject({ code: 'connection_closed' });
  });

  it('close() fails waiting requests without emitting closed', async () => {
    const { client, socket } = await connected();
    const closed = vi.fn();
    client.on('closed', closed);
    const reply = client.request('leave', {});
    client.close();
    client.close();
    await expect(reply).rejects.toMatchObject({ code: 'connection_closed' });
    expect(socket.closedWith).toBe(1000);
    expect(closed).not.toHaveBeenCalled();
  });
});

describe('SignalClient connect', () => {
  it('rejects when the socket closes before opening (refused token, server down)', async () => {
    let socket!: FakeWebSocket;
    const client = new SignalClient({ createWebSocket: (url) => (socket = new FakeWebSocket(url)) });
    const opening = client.connect('ws://server/ws?token=bad');
    socket.drop(1006);
    await expect(opening).rejects.toMatchObject({ code: 'connection_closed' });
  });

  it('rejects when opening takes too long', async () => {
    vi.useFakeTimers();
    const client = new SignalClient({ connectTimeoutMs: 1000, createWebSocket: (url) => new FakeWebSocket(url) });
    const opening = client.connect('ws://server/ws').catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await opening).toMatchObject({ code: 'connection_closed', message: expect.stringMatching(/1000 ms/) });
  });
});

describe('SignalClient notifications', () => {
  it('emits validated notifications', async () => {
    const { client, socket } = await connected();
    const seen: SignalNotification[] = [];
    client.on('notification', (n) => seen.push(n));
    socket.receive({ method: 'activeSpeaker', data: { participantId: 'p1' } });
    socket.receive({ method: 'consumerClosed', data: { consumerId: 'c1' } });
    expect(seen).toEqual([
      { method: 'activeSpeaker', data: { participantId: 'p1' } },
      { method: 'consumerClosed', data: { consumerId: 'c1' } },
    ]);
  });

  it('drops invalid, unknown and non-JSON messages without throwing', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { client, socket } = await connected();
    const seen = vi.fn();
    client.on('notification', seen);
    socket.receive({ method: 'activeSpeaker', data: { participantId: 7 } });
    socket.receive({ method: 'someFutureNotification', data: {} });
    socket.receive('{not json');
    socket.receive({ id: 999, ok: true, data: {} }); // A reply nobody waits for.
    expect(seen).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(2);
  });
});

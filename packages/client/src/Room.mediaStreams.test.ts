import type { EgressState, MediaStreamInfo, MediaStreamState } from '@roomcast/protocol';
import { emptyEgressState } from '@roomcast/protocol';
import { describe, expect, it, vi } from 'vitest';
import { Room } from './Room.js';
// Fake socket + scripted server: Node has no WebSocket or RTCPeerConnection (see RoomConnector.test.ts).
import { createFakeDevice, FakeSignalServer } from './testing/FakeSignalServer.js';

function stream(id: string, state: MediaStreamState): MediaStreamInfo {
  return {
    id, app: 'notes', room: 'r', state,
    audio: { codec: 'pcm_s16le', sample_rate: 16000, channels: 1, per_participant: true, send: 'speech' },
    video: null, transcript: true, started_by: { type: 'api' },
    created_at: new Date(0).toISOString(), stopped_at: null, reason: null, connections: 1,
  };
}

function egress(streams: MediaStreamInfo[], extra: Partial<EgressState> = {}): EgressState {
  return { ...emptyEgressState(), media_streams: streams, ...extra };
}

async function joined() {
  const server = new FakeSignalServer();
  const room = await Room.join({
    url: 'http://server:3000',
    token: 'tok',
    signaling: { createWebSocket: server.createWebSocket, requestTimeoutMs: 1000 },
    createDevice: createFakeDevice,
    reconnect: { maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 5, factor: 2, jitter: 0 },
  });
  return { server, room };
}

const requests = (server: FakeSignalServer, method: string) => server.last.sent.filter((r) => r.method === method).map((r) => r.data);

describe('Room: media streams', () => {
  it('lists the streams that have not stopped, and says so only when they change', async () => {
    const { server, room } = await joined();
    const changes: Array<readonly MediaStreamInfo[]> = [];
    const egressUpdates = vi.fn();
    room.on('mediaStreamsChanged', (streams) => changes.push(streams));
    room.on('egressUpdated', egressUpdates);

    server.last.receive({ method: 'egressUpdated', data: { egress: egress([stream('a', 'STARTED'), stream('b', 'STOPPED')]) } });
    // An RTMP change with the same media streams: egressUpdated, not mediaStreamsChanged.
    server.last.receive({ method: 'egressUpdated', data: { egress: egress([stream('a', 'STARTED'), stream('b', 'STOPPED')], { broadcasting: true }) } });
    server.last.receive({ method: 'egressUpdated', data: { egress: egress([stream('a', 'PAUSED')]) } });
    await vi.waitFor(() => expect(egressUpdates).toHaveBeenCalledTimes(3));

    expect(changes.map((list) => list.map((s) => `${s.id}:${s.state}`))).toEqual([['a:STARTED'], ['a:PAUSED']]);
    expect(room.mediaStreams.map((s) => s.state)).toEqual(['PAUSED']);
    await room.leave();
  });

  it('sends each call as its signaling request and returns the reply', async () => {
    const { server, room } = await joined();
    server.answer = (r) => {
      if (r.method === 'controlMediaStream') return { media_stream: stream('a', 'PAUSED') };
      if (r.method === 'startMediaStream') return { media_stream: null, request_id: 'req1' };
      if (r.method === 'listMediaApps') return { apps: [{ id: 'notes', allow: ['audio', 'transcript'] }] };
      if (r.method === 'answerMediaStreamRequest') return { media_stream: null };
      return undefined;
    };
    expect(await room.listMediaApps()).toEqual([{ id: 'notes', allow: ['audio', 'transcript'] }]);
    expect(await room.startMediaStream({ app: 'notes', transcript: true })).toEqual({ media_stream: null, request_id: 'req1' });
    expect((await room.pauseMediaStream('a')).state).toBe('PAUSED');
    await room.resumeMediaStream('a');
    await room.stopMediaStream('a');
    expect(await room.answerMediaStreamRequest('req9', false)).toBeNull();

    expect(requests(server, 'startMediaStream')).toEqual([{ app: 'notes', transcript: true }]);
    expect(requests(server, 'controlMediaStream')).toEqual([
      { id: 'a', action: 'pause' },
      { id: 'a', action: 'resume' },
      { id: 'a', action: 'stop' },
    ]);
    expect(requests(server, 'answerMediaStreamRequest')).toEqual([{ request_id: 'req9', approve: false }]);
    await room.leave();
  });

  it('raises requests and answers as room events', async () => {
    const { server, room } = await joined();
    const requested = vi.fn();
    const answered = vi.fn();
    room.on('mediaStreamRequested', requested).on('mediaStreamRequestAnswered', answered);
    const request = { request_id: 'r1', app: 'notes', requested_by: { identity: 'ann', name: 'Ann' }, audio: true, video: false, transcript: false };
    server.last.receive({ method: 'mediaStreamRequested', data: request });
    server.last.receive({ method: 'mediaStreamRequestAnswered', data: { request_id: 'r1', approved: true, media_stream: stream('a', 'INITIALIZE') } });
    await vi.waitFor(() => expect(answered).toHaveBeenCalledTimes(1));
    expect(requested).toHaveBeenCalledWith(request);
    expect(answered.mock.calls[0]![0]).toMatchObject({ approved: true, media_stream: { id: 'a' } });
    await room.leave();
  });

  it('pauses its own session again after a reconnect (a rejoin is a new session on the server)', async () => {
    const { server, room } = await joined();
    await room.setMediaStreamConsent(true);
    expect(room.mediaStreamConsentPaused).toBe(true);
    server.last.drop(1006);
    await vi.waitFor(() => expect(server.sockets).toHaveLength(2));
    await vi.waitFor(() => expect(requests(server, 'setMediaStreamConsent')).toEqual([{ paused: true }]));

    await room.setMediaStreamConsent(false);
    server.last.drop(1006);
    await vi.waitFor(() => expect(room.connectionState).toBe('connected'));
    await vi.waitFor(() => expect(server.sockets).toHaveLength(3));
    await vi.waitFor(() => expect(server.methods()).toContain('join'));
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(requests(server, 'setMediaStreamConsent')).toEqual([]);
    await room.leave();
  });

  it('keeps the consent as it was when the server refuses the change', async () => {
    const { server, room } = await joined();
    server.fail = (r) => (r.method === 'setMediaStreamConsent' ? 'forbidden' : undefined);
    await expect(room.setMediaStreamConsent(true)).rejects.toMatchObject({ code: 'forbidden' });
    expect(room.mediaStreamConsentPaused).toBe(false);
    await room.leave();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Participant, Room } from '@roomcast/sfu';
import { type MediaConnection, MediaStream, type MediaStreamSettings } from './MediaStream.js';
import type { StreamFeeds } from './StreamFeeds.js';
import { RoomUserIds, StreamSessions } from './StreamSessions.js';

// A room is only read here for its participants: a plain stand-in is enough (the real room is in the e2e test).
function fakeRoom(names: string[]): Room {
  const participants = new Map(names.map((name) => [name, { id: name, identity: name, name, joined: true, role: 'participant' } as unknown as Participant]));
  return { name: 'r', participants } as unknown as Room;
}

function connection(): MediaConnection & { audio: string[]; states: string[]; ended: string[] } {
  const audio: string[] = [];
  const states: string[] = [];
  const ended: string[] = [];
  return {
    kinds: new Set(['audio'] as const), audio, states, ended,
    sendAudio: (f) => void audio.push(f.userName),
    sendVideo: () => undefined,
    sendTranscript: () => undefined,
    sendStreamState: (state) => void states.push(state),
    sendSessionState: () => undefined,
    end: (reason) => void ended.push(reason),
  };
}

const settings: MediaStreamSettings = {
  id: 's1', appId: 'app', roomName: 'r',
  audio: { codec: 'pcm_s16le', sample_rate: 16000, channels: 1, per_participant: true, send: 'speech' },
  video: null, transcript: false, transcriptAvailable: false, recognizerName: null,
  startedBy: { type: 'api' }, reconnectGraceMs: 1000, connectTimeoutMs: 5000,
};

describe('MediaStream', () => {
  let feeds: { start: ReturnType<typeof vi.fn>; stop: ReturnType<typeof vi.fn> };
  let paused: Set<string>;
  let stream: MediaStream;
  const frame = (participantId: string, speech = true) => ({ participantId, data: Buffer.alloc(640), timestamp: 0, speech });

  beforeEach(() => {
    vi.useFakeTimers();
    feeds = { start: vi.fn(), stop: vi.fn(async () => undefined) };
    paused = new Set();
    stream = new MediaStream(settings, new StreamSessions(fakeRoom(['ann', 'bo']), new RoomUserIds(), (id) => paused.has(id)));
    stream.useFeeds(feeds as unknown as StreamFeeds);
  });
  afterEach(() => vi.useRealTimers());

  it('starts its sources when the app attaches, and sends only speech of participants whose session is on', () => {
    expect(stream.state).toBe('INITIALIZE');
    const app = connection();
    stream.attachMedia(app);
    expect(stream.state).toBe('STARTED');
    expect(feeds.start).toHaveBeenCalledOnce();
    stream.onAudio(frame('ann'));
    stream.onAudio(frame('bo', false));
    const session = stream.participants.set('bo', 'PAUSED')!;
    stream.sessionChanged(session, 'paused_by_participant');
    stream.onAudio(frame('bo'));
    expect(app.audio).toEqual(['ann']);
  });

  it('stops sending and stops its sources while paused, and starts them again on resume', () => {
    const app = connection();
    stream.attachMedia(app);
    expect(stream.pause()).toBe(true);
    expect(feeds.stop).toHaveBeenCalledOnce();
    stream.onAudio(frame('ann'));
    expect(app.audio).toEqual([]);
    expect(stream.pause()).toBe(false);
    expect(stream.resume()).toBe(true);
    expect(feeds.start).toHaveBeenCalledTimes(2);
    expect(app.states).toEqual(['STARTED', 'PAUSED', 'RESUMED']);
  });

  it('waits the grace period for an app that lost its sockets, then stops with app_disconnected', async () => {
    stream.attachMedia(connection())();
    await vi.advanceTimersByTimeAsync(900);
    expect(stream.state).toBe('STARTED');
    // Back within the grace period: the clock starts again only when its last socket goes.
    const detach = stream.attachMedia(connection());
    await vi.advanceTimersByTimeAsync(2000);
    expect(stream.state).toBe('STARTED');
    detach();
    await vi.advanceTimersByTimeAsync(1000);
    expect(stream.state).toBe('STOPPED');
    expect(stream.info().reason).toBe('app_disconnected');
    expect(feeds.stop).toHaveBeenCalled();
  });

  it('stops when the app never connects, and tells a socket that attaches later that it ended', async () => {
    await vi.advanceTimersByTimeAsync(5000);
    expect(stream.state).toBe('STOPPED');
    expect(stream.info().reason).toBe('app_not_connected');
    const late = connection();
    stream.attachMedia(late);
    expect(late.ended).toEqual(['app_not_connected']);
  });
});

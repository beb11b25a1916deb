import type {
  MediaStreamAudioOptions,
  MediaStreamInfo,
  MediaStreamKind,
  MediaStreamState,
  MediaStreamVideoOptions,
  RtmsEventType,
} from '@roomcast/protocol';
import { TypedEmitter } from '@roomcast/sfu';
import type { StreamFeeds } from './StreamFeeds.js';
import type { StreamSession, StreamSessions } from './StreamSessions.js';
import type { TranscriptSegmentOut } from './feedPorts.js';
import type { AudioFrame, VideoFrame } from './types.js';

export interface SessionStateMessage {
  userId: number;
  userName: string;
  state: MediaStreamState;
  reason: string | null;
}

/** An app's media socket (apps/server/src/rtms): what a stream sends it. */
export interface MediaConnection {
  readonly kinds: ReadonlySet<MediaStreamKind>;
  sendAudio(frame: { userId: number; userName: string; data: Buffer; timestamp: number }): void;
  sendVideo(frame: { userId: number; userName: string; data: Buffer; timestamp: number; keyFrame: boolean }): void;
  sendTranscript(t: { userId: number; userName: string; text: string; start: number; end: number; final: boolean; timestamp: number }): void;
  sendStreamState(state: MediaStreamState, reason: string | null): void;
  sendSessionState(session: SessionStateMessage): void;
  /** The stream ended (its STOPPED state went before): close the socket. */
  end(reason: string): void;
}

/** An app's signaling socket: states and the room's events. */
export interface SignalingObserver {
  sendStreamState(state: MediaStreamState, reason: string | null): void;
  sendSessionState(session: SessionStateMessage): void;
  sendEvent(type: RtmsEventType, data: Record<string, unknown>): void;
  end(reason: string): void;
}

export interface MediaStreamSettings {
  id: string;
  appId: string;
  roomName: string;
  audio: MediaStreamAudioOptions | null;
  video: Required<MediaStreamVideoOptions> | null;
  transcript: boolean;
  transcriptAvailable: boolean;
  recognizerName: string | null;
  startedBy: MediaStreamInfo['started_by'];
  /** An app gone (every media socket closed) may come back within this long, else the stream stops. */
  reconnectGraceMs: number;
  /** The app must connect within this long of the start, else the stream stops. */
  connectTimeoutMs: number;
}

export interface MediaStreamEvents extends Record<string, unknown[]> {
  /** The stream's state (or a participant session's, with `session`) changed. */
  changed: [session?: StreamSession];
  /** An app's media socket attached or detached (the egress state lists the count). */
  connections: [];
  ended: [reason: string];
  /** Work the stream started by itself failed (for the log). */
  error: [error: unknown, what: string];
}

const FLOWING: ReadonlySet<MediaStreamState> = new Set(['STARTED', 'RESUMED']);

/**
 * One realtime media stream of a room to one app: its state (RTMS's INITIALIZE → STARTED ⇄
 * PAUSED/RESUMED → STOPPED), the app's sockets, and the media routed to them. Media flows only
 * while the stream and the participant's own session are on; the sources run only while the
 * stream does. An app that loses every socket has `reconnectGraceMs` to come back.
 */
export class MediaStream extends TypedEmitter<MediaStreamEvents> {
  readonly #media = new Set<MediaConnection>();
  readonly #signaling = new Set<SignalingObserver>();
  #state: MediaStreamState = 'INITIALIZE';
  #reason: string | null = null;
  readonly createdAt = new Date();
  #stoppedAt: Date | null = null;
  #timer: NodeJS.Timeout | undefined;
  #feeds!: StreamFeeds;
  /** Paused before this egress process died: the app's reconnect finds it paused still. */
  #pausedAtStart = false;

  constructor(
    readonly settings: MediaStreamSettings,
    readonly participants: StreamSessions,
  ) {
    super();
    this.#arm(settings.connectTimeoutMs, 'app_not_connected');
  }

  /** Given once, right after construction (the feeds call back into the stream). */
  useFeeds(feeds: StreamFeeds): void {
    this.#feeds = feeds;
  }

  get id(): string {
    return this.settings.id;
  }
  get appId(): string {
    return this.settings.appId;
  }
  get roomName(): string {
    return this.settings.roomName;
  }
  get state(): MediaStreamState {
    return this.#state;
  }
  get ended(): boolean {
    return this.#state === 'STOPPED';
  }
  get transcriptAvailable(): boolean {
    return this.settings.transcriptAvailable;
  }

  /** What the stream carries: the kinds an app's media socket may ask for. */
  get kinds(): Set<MediaStreamKind> {
    const kinds = new Set<MediaStreamKind>();
    if (this.settings.audio) kinds.add('audio');
    if (this.settings.video) kinds.add('video');
    if (this.settings.transcript) kinds.add('transcript');
    return kinds;
  }

  info(): MediaStreamInfo {
    const s = this.settings;
    return {
      id: s.id,
      app: s.appId,
      room: s.roomName,
      state: this.#state,
      audio: s.audio,
      video: s.video,
      transcript: s.transcript,
      started_by: s.startedBy,
      created_at: this.createdAt.toISOString(),
      stopped_at: this.#stoppedAt?.toISOString() ?? null,
      reason: this.#reason,
      connections: this.#media.size,
    };
  }

  mediaParams(): Record<string, unknown> {
    const { audio, video, transcript, transcriptAvailable, recognizerName } = this.settings;
    return {
      audio: audio && { ...audio, content_type: 'RAW_AUDIO', frame_ms: 20 },
      video: video && { ...video, content_type: video.codec === 'h264' ? 'H264_ANNEX_B' : 'JPEG' },
      transcript: transcript ? { available: transcriptAvailable, recognizer: recognizerName, language: 'en-US' } : null,
    };
  }

  /** Participants with their user_id and session state, for the handshakes' replies. */
  sessions(): Array<{ userId: number; userName: string; identity: string; state: MediaStreamState }> {
    return this.participants.all().map(({ userId, userName, identity, state }) => ({ userId, userName, identity, state }));
  }

  attachMedia(connection: MediaConnection): () => void {
    if (this.ended) {
      connection.end(this.#reason ?? 'stopped');
      return () => undefined;
    }
    this.#disarm();
    // The first socket starts the stream; its STARTED reaches the socket with the sessions below.
    if (this.#state === 'INITIALIZE') this.#begin();
    this.#media.add(connection);
    connection.sendStreamState(this.#state, null);
    for (const session of this.participants.all()) connection.sendSessionState(sessionMessage(session));
    this.safeEmit('connections');
    return () => this.#detachMedia(connection);
  }

  attachSignaling(observer: SignalingObserver): () => void {
    if (this.ended) {
      observer.end(this.#reason ?? 'stopped');
      return () => undefined;
    }
    this.#signaling.add(observer);
    observer.sendStreamState(this.#state, null);
    return () => void this.#signaling.delete(observer);
  }

  pause(): boolean {
    if (!FLOWING.has(this.#state)) return false;
    this.#setState('PAUSED', null);
    this.#own(this.#feeds.stop(), 'stop the sources of a paused media stream');
    return true;
  }

  /** A stream resumed after an egress restart that had been paused: it begins paused, its sources off. */
  beginPaused(): void {
    if (this.#state === 'INITIALIZE') this.#pausedAtStart = true;
  }

  resume(): boolean {
    if (this.#state !== 'PAUSED') return false;
    this.#setState('RESUMED', null);
    this.#feeds.start();
    return true;
  }

  async stop(reason: string): Promise<void> {
    if (this.ended) return;
    this.#disarm();
    this.#reason = reason;
    this.#stoppedAt = new Date();
    for (const session of this.participants.all()) this.participants.set(session.participantId, 'STOPPED');
    this.#setState('STOPPED', reason);
    for (const connection of this.#media) connection.end(reason);
    for (const observer of this.#signaling) observer.end(reason);
    this.#media.clear();
    this.#signaling.clear();
    await this.#feeds.stop();
    this.safeEmit('ended', reason);
  }

  /** A session changed (joined, left, paused by its participant): tell the app and the owner. */
  sessionChanged(session: StreamSession, reason: string | null): void {
    const message = sessionMessage(session, reason);
    for (const connection of this.#media) connection.sendSessionState(message);
    for (const observer of this.#signaling) observer.sendSessionState(message);
    this.safeEmit('changed', session);
  }

  /** A room event for the signaling sockets (they forward what the app subscribed to). */
  roomEvent(type: RtmsEventType, data: Record<string, unknown>): void {
    for (const observer of this.#signaling) observer.sendEvent(type, data);
  }

  /** Feeds' callbacks: media goes out only while both the stream and the participant's session are on. */
  onAudio(frame: AudioFrame): void {
    if (!FLOWING.has(this.#state) || !this.#participantFlowing(frame.participantId)) return;
    if (this.settings.audio?.send === 'speech' && !frame.speech) return;
    const out = { ...this.participants.label(frame.participantId), data: frame.data, timestamp: frame.timestamp };
    for (const connection of this.#media) if (connection.kinds.has('audio')) connection.sendAudio(out);
  }

  onVideo(frame: VideoFrame): void {
    if (!FLOWING.has(this.#state) || !this.#participantFlowing(frame.participantId)) return;
    const out = { ...this.participants.label(frame.participantId), data: frame.data, timestamp: frame.timestamp, keyFrame: frame.keyFrame };
    for (const connection of this.#media) if (connection.kinds.has('video')) connection.sendVideo(out);
  }

  onTranscript(participantId: string, segment: TranscriptSegmentOut): void {
    if (!FLOWING.has(this.#state) || !this.participants.flowing(participantId)) return;
    const out = { ...this.participants.label(participantId), ...segment, timestamp: Date.now() };
    for (const connection of this.#media) if (connection.kinds.has('transcript')) connection.sendTranscript(out);
  }

  #participantFlowing(participantId: string | null): boolean {
    return participantId === null || this.participants.flowing(participantId);
  }

  #begin(): void {
    this.participants.addPresent();
    if (this.#pausedAtStart) return this.#setState('PAUSED', null);
    this.#setState('STARTED', null);
    this.#feeds.start();
  }

  #detachMedia(connection: MediaConnection): void {
    if (!this.#media.delete(connection) || this.ended) return;
    if (this.#media.size === 0) this.#arm(this.settings.reconnectGraceMs, 'app_disconnected');
    this.safeEmit('connections');
  }

  #setState(state: MediaStreamState, reason: string | null): void {
    this.#state = state;
    for (const connection of this.#media) connection.sendStreamState(state, reason);
    for (const observer of this.#signaling) observer.sendStreamState(state, reason);
    this.safeEmit('changed');
  }

  /** Stops the stream with `reason` unless an app's socket attaches within `ms`. */
  #arm(ms: number, reason: string): void {
    this.#disarm();
    this.#timer = setTimeout(() => this.#own(this.stop(reason), 'stop a media stream whose app is gone'), ms);
    this.#timer.unref();
  }

  #disarm(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #own(task: Promise<unknown>, what: string): void {
    task.catch((error: unknown) => this.safeEmit('error', error, what));
  }
}

function sessionMessage(session: StreamSession, reason: string | null = null): SessionStateMessage {
  return { userId: session.userId, userName: session.userName, state: session.state, reason };
}

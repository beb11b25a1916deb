import { randomBytes } from 'node:crypto';
import {
  AppError,
  type MediaStreamInfo,
  type MediaStreamKind,
  type StartMediaStreamBody,
  type WebhookEventType,
} from '@roomcast/protocol';
import type { ParticipantView, RoomView } from '@roomcast/sfu';
import type { PortAllocator } from '../rtp/PortAllocator.js';
import type { AudioSource, RecognizerLike, StartVideoFeed } from './feedPorts.js';
import { MediaStream } from './MediaStream.js';
import { RoomTranscriber } from './RoomTranscriber.js';
import { mediaStreamSettings } from './mediaStreamRequest.js';
import { StreamFeeds } from './StreamFeeds.js';
import type { JsonRecords } from '../records/JsonRecords.js';
import { type MediaStreamRecord, MediaStreamRecordSchema } from './mediaStreamRecords.js';
import { RoomUserIds, type StreamSession, StreamSessions } from './StreamSessions.js';

/** What media streams need of the egress service that owns them. */
export interface MediaStreamHost {
  /** The open room of that name; throws room_not_found. */
  room(name: string): RoomView;
  publish(room: RoomView): void;
  event(room: RoomView, type: WebhookEventType, data: Record<string, unknown>): void;
  own(task: Promise<unknown>, what: string): void;
}

export interface MediaStreamServiceOptions {
  host: MediaStreamHost;
  ports: PortAllocator;
  audioSource: (room: RoomView, ports: PortAllocator, onError: (error: unknown, what: string) => void) => AudioSource;
  startVideoFeed: StartVideoFeed;
  recognizer?: RecognizerLike;
  /** The signaling WebSocket URL handed to apps in `media_stream.started` (`server_urls`). */
  signalingUrl: () => string;
  maxPerRoom?: number;
  reconnectGraceMs?: number;
  connectTimeoutMs?: number;
  historyLimit?: number;
  /**
   * Records of the running streams (one file each): at start, those of rooms open now start again
   * under their ids, in the new egress process of a dead one; the others are dropped.
   */
  records?: JsonRecords<MediaStreamRecord>;
  /** The app a record names, as MEDIA_APPS has it now (gone: its stream does not resume). */
  grantOf?: (appId: string) => MediaAppGrant | undefined;
}

export type MediaStreamStarter = MediaStreamInfo['started_by'];

/** What a request may carry for this app: MEDIA_APPS' `allow`. */
export interface MediaAppGrant {
  id: string;
  allow: readonly MediaStreamKind[];
}

/** Per room: the shared audio source, user ids, who paused their own session, and its listeners. */
interface RoomMedia {
  room: RoomView;
  audio: AudioSource;
  userIds: RoomUserIds;
  pausedParticipants: Set<string>;
  streams: Set<MediaStream>;
  /** Made when the room's first stream wants transcripts. */
  transcriber?: RoomTranscriber;
  detach: () => void;
}

/**
 * Realtime media streams of rooms to registered apps (issue 11, the RTMS flow). Each stream is an
 * independent reader of the room's sources (shared per room: one decoder per microphone and
 * format whatever the number of apps); the app's sockets attach to it by id (apps/server/src/rtms).
 */
export class MediaStreamService {
  readonly #streams = new Map<string, MediaStream>();
  readonly #rooms = new Map<string, RoomMedia>();
  /** What each running stream's record holds now (saved again on every change of its state). */
  readonly #recorded = new Map<string, MediaStreamRecord>();
  #recognizerAvailable: Promise<boolean>;

  /** Settles once the records of an earlier egress process were read and its streams started again. */
  readonly resumed: Promise<string[]>;

  constructor(readonly options: MediaStreamServiceOptions) {
    this.#recognizerAvailable = options.recognizer ? options.recognizer.available().catch(() => false) : Promise.resolve(false);
    this.resumed = this.#resumeRecorded().catch((error: unknown) => {
      options.host.own(Promise.reject(error), 'resume media streams');
      return [];
    });
  }

  get(id: string): MediaStream | undefined {
    return this.#streams.get(id);
  }

  /** A stream of that room, or `not_found`: another room's stream is no business of this one's. */
  assertInRoom(id: string, roomName: string): void {
    const stream = this.#streams.get(id);
    if (!stream || stream.roomName !== roomName) throw new AppError('not_found', `no media stream ${id} in this room`);
  }

  info(id: string): MediaStreamInfo {
    const stream = this.#streams.get(id);
    if (!stream) throw new AppError('not_found', `no media stream ${id}`);
    return stream.info();
  }

  /** The room's streams, ended ones still remembered included, oldest first. */
  list(roomName: string): MediaStreamInfo[] {
    return [...this.#streams.values()].filter((s) => s.roomName === roomName).map((s) => s.info());
  }

  /** For the room's egress state: the streams that have not ended. */
  listed(roomName: string): MediaStreamInfo[] {
    return [...(this.#rooms.get(roomName)?.streams ?? [])].map((s) => s.info());
  }

  /** `resumed`: the record of a stream an earlier egress process ran, started again under its id and state. */
  async start(roomName: string, body: StartMediaStreamBody, app: MediaAppGrant, startedBy: MediaStreamStarter, resumed?: MediaStreamRecord): Promise<MediaStreamInfo> {
    const resumeId = resumed?.id;
    const room = this.options.host.room(roomName);
    const transcriptAvailable = await this.#recognizerAvailable;
    if (room.closed) throw new AppError('room_not_found', `room ${roomName} closed`);
    const media = this.#roomMedia(room);
    if (media.streams.size >= (this.options.maxPerRoom ?? 8)) throw new AppError('limit_exceeded', `at most ${this.options.maxPerRoom ?? 8} media streams per room`);
    // Before any session exists: a participant who had withdrawn consent is never sent, not even at first.
    for (const participantId of resumed?.paused_participants ?? []) media.pausedParticipants.add(participantId);
    const settings = mediaStreamSettings({
      id: resumeId ?? randomBytes(16).toString('base64url'),
      room: roomName,
      body,
      app,
      startedBy,
      transcriptAvailable,
      recognizerName: this.options.recognizer?.name ?? null,
      reconnectGraceMs: this.options.reconnectGraceMs ?? 30_000,
      connectTimeoutMs: this.options.connectTimeoutMs ?? 120_000,
    });
    const stream = new MediaStream(settings, new StreamSessions(room, media.userIds, (id) => media.pausedParticipants.has(id)));
    stream.useFeeds(this.#feeds(room, media, stream));
    if (resumed?.paused) stream.beginPaused();
    this.#register(room, media, stream);
    this.#recorded.set(stream.id, { id: stream.id, room: room.name, app: app.id, body, started_by: startedBy });
    this.#saveRecord(stream.id, { paused: resumed?.paused, paused_participants: [...media.pausedParticipants] });
    const info = stream.info();
    this.options.host.event(room, 'media_stream.started', {
      room_id: room.name, stream_id: stream.id, server_urls: this.options.signalingUrl(), media_stream: info,
      ...(resumeId === undefined ? {} : { resumed: true }),
    });
    return info;
  }

  /**
   * Goes on with a media stream of an egress node that was lost (issue 13; its room's SFU node kept
   * what it was): same id, paused if it was, its participants' withdrawals kept, so the app's
   * client reconnects to it as after a network drop.
   */
  async adopt(roomName: string, record: MediaStreamRecord): Promise<MediaStreamInfo> {
    const parsed = MediaStreamRecordSchema.safeParse(record);
    if (!parsed.success || parsed.data.room !== roomName) throw new AppError('bad_request', `not a media stream of room ${roomName}`);
    if (this.#streams.has(record.id)) throw new AppError('conflict', `media stream ${record.id} already runs here`);
    const app = this.options.grantOf?.(record.app);
    if (!app) throw new AppError('not_found', `no media app ${record.app}`);
    return this.start(roomName, parsed.data.body, app, parsed.data.started_by, parsed.data);
  }

  pause(id: string): MediaStreamInfo {
    const stream = this.#active(id);
    if (!stream.pause()) throw new AppError('conflict', `media stream ${id} is ${stream.state}, not running`);
    this.#saveRecord(id, { paused: true });
    return stream.info();
  }

  resume(id: string): MediaStreamInfo {
    const stream = this.#active(id);
    if (!stream.resume()) throw new AppError('conflict', `media stream ${id} is ${stream.state}, not paused`);
    this.#saveRecord(id, { paused: false });
    return stream.info();
  }

  async stop(id: string, reason = 'stopped_by_api'): Promise<MediaStreamInfo> {
    const stream = this.#streams.get(id);
    if (!stream) throw new AppError('not_found', `no media stream ${id}`);
    await stream.stop(reason);
    return stream.info();
  }

  /** A participant pauses (or resumes) their own session in every stream of the room. */
  setParticipantPaused(roomName: string, participantId: string, paused: boolean): void {
    const media = this.#rooms.get(roomName);
    if (!media) return;
    if (paused) media.pausedParticipants.add(participantId);
    else media.pausedParticipants.delete(participantId);
    for (const stream of media.streams) {
      const session = stream.participants.set(participantId, paused ? 'PAUSED' : 'RESUMED');
      if (session) stream.sessionChanged(session, paused ? 'paused_by_participant' : null);
      this.#saveRecord(stream.id, { paused_participants: [...media.pausedParticipants] });
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.#rooms.values()].map((media) => this.#closeRoom(media, 'server_shutdown')));
    // Their records are gone too before the process ends: the next start resumes nothing.
    await this.options.records?.flush();
  }

  /**
   * The streams a dead egress process was running, in rooms open now (a new egress process in
   * `child` mode is fed the SFU's rooms before it starts), start again under the same ids: their
   * apps' clients reconnect as after a network drop (`media_stream.started` says `resumed`).
   * Records of rooms that are gone, or of apps no longer registered, are dropped.
   */
  async #resumeRecorded(): Promise<string[]> {
    const { records, grantOf } = this.options;
    const resumed: string[] = [];
    for (const record of (await records?.load()) ?? []) {
      const app = grantOf?.(record.app);
      const started = app && (await this.start(record.room, record.body, app, record.started_by, record).then(
        () => true,
        () => false,
      ));
      if (started) resumed.push(record.id);
      else await records!.remove(record.id);
    }
    return resumed;
  }

  /** The stream's record with `changes`, saved (what the next egress process resumes it from). */
  #saveRecord(id: string, changes: Partial<Pick<MediaStreamRecord, 'paused' | 'paused_participants'>>): void {
    const record = this.#recorded.get(id);
    if (!record || !this.options.records) return;
    Object.assign(record, changes);
    this.options.host.own(this.options.records.save({ ...record }), 'record a media stream');
  }

  #active(id: string): MediaStream {
    const stream = this.#streams.get(id);
    if (!stream) throw new AppError('not_found', `no media stream ${id}`);
    if (stream.ended) throw new AppError('conflict', `media stream ${id} has stopped`);
    return stream;
  }

  #feeds(room: RoomView, media: RoomMedia, stream: MediaStream): StreamFeeds {
    const { settings } = stream;
    return new StreamFeeds({
      room,
      ports: this.options.ports,
      audioSource: media.audio,
      startVideoFeed: this.options.startVideoFeed,
      transcriber: settings.transcript && settings.transcriptAvailable ? this.#transcriberOf(media) : undefined,
      audio: settings.audio,
      video: settings.video,
      transcript: settings.transcript,
      onAudio: (frame) => stream.onAudio(frame),
      onVideo: (frame) => stream.onVideo(frame),
      onTranscript: (participantId, segment) => stream.onTranscript(participantId, segment),
    });
  }

  #transcriberOf(media: RoomMedia): RoomTranscriber {
    media.transcriber ??= new RoomTranscriber({
      audio: media.audio,
      recognizer: this.options.recognizer!,
      withheld: (participantId) => media.pausedParticipants.has(participantId),
      onError: (error, what) => this.options.host.own(Promise.reject(error), what),
    });
    return media.transcriber;
  }

  #register(room: RoomView, media: RoomMedia, stream: MediaStream): void {
    this.#streams.set(stream.id, stream);
    media.streams.add(stream);
    this.#forgetOldest();
    const { host } = this.options;
    stream.on('changed', (session) => {
      host.publish(room);
      host.event(room, 'media_stream.state_updated', stateUpdate(room, stream, session));
    });
    stream.on('connections', () => host.publish(room));
    stream.on('error', (error, what) => host.own(Promise.reject(error), what));
    stream.once('ended', (reason) => {
      media.streams.delete(stream);
      this.#recorded.delete(stream.id);
      // Ended on purpose (a stop, the room closing, a shutdown): nothing to resume.
      host.own(this.options.records?.remove(stream.id) ?? Promise.resolve(), 'remove a media stream record');
      host.event(room, 'media_stream.stopped', { room_id: room.name, stream_id: stream.id, reason, media_stream: stream.info() });
      host.publish(room);
      if (media.streams.size === 0) host.own(this.#closeRoom(media, reason), 'release the media sources of a room');
    });
    host.publish(room);
  }

  #roomMedia(room: RoomView): RoomMedia {
    const existing = this.#rooms.get(room.name);
    if (existing) return existing;
    const media: RoomMedia = {
      room,
      audio: this.options.audioSource(room, this.options.ports, (error, what) => this.options.host.own(Promise.reject(error), what)),
      userIds: new RoomUserIds(),
      pausedParticipants: new Set(),
      streams: new Set(),
      detach: () => undefined,
    };
    media.detach = followRoom(room, media, (task, what) => this.options.host.own(task, what), () => this.#closeRoom(media, 'room_closed'));
    this.#rooms.set(room.name, media);
    return media;
  }

  async #closeRoom(media: RoomMedia, reason: string): Promise<void> {
    if (this.#rooms.get(media.room.name) === media) this.#rooms.delete(media.room.name);
    media.detach();
    await Promise.all([...media.streams].map((stream) => stream.stop(reason)));
    await media.transcriber?.close();
    await media.audio.close();
  }

  /** Ended streams are remembered for GET up to the history limit, oldest forgotten first. */
  #forgetOldest(): void {
    const limit = this.options.historyLimit ?? 100;
    for (const [id, stream] of this.#streams) {
      if (this.#streams.size <= limit) return;
      if (stream.ended) this.#streams.delete(id);
    }
  }
}

/** The room's joins, leaves and speaker changes reach every stream of it; the room closing stops them. */
function followRoom(room: RoomView, media: RoomMedia, own: (task: Promise<unknown>, what: string) => void, closed: () => Promise<void>): () => void {
  const joined = (participant: ParticipantView) => {
    for (const stream of media.streams) {
      if (stream.state === 'INITIALIZE') continue;
      const session = stream.participants.add(participant);
      if (!session) continue;
      stream.sessionChanged(session, null);
      stream.roomEvent('participant_join', { user_id: session.userId, user_name: session.userName });
    }
  };
  const left = (participant: ParticipantView) => {
    media.pausedParticipants.delete(participant.id);
    if (media.transcriber) own(media.transcriber.forget(participant.id), 'end the transcript of a participant who left');
    for (const stream of media.streams) {
      const session = stream.participants.remove(participant.id);
      if (!session) continue;
      stream.sessionChanged(session, 'left');
      stream.roomEvent('participant_leave', { user_id: session.userId, user_name: session.userName });
    }
  };
  const speaker = (participantId: string | null) => {
    for (const stream of media.streams) {
      const who = participantId === null ? { user_id: null, user_name: null } : labelOf(stream, participantId);
      stream.roomEvent('active_speaker_change', who);
    }
  };
  const onClosed = () => own(closed(), 'stop the media streams of a closed room');
  room.on('participantJoined', joined);
  room.on('participantLeft', left);
  room.on('activeSpeaker', speaker);
  room.once('closed', onClosed);
  return () => {
    room.off('participantJoined', joined);
    room.off('participantLeft', left);
    room.off('activeSpeaker', speaker);
    room.off('closed', onClosed);
  };
}

function labelOf(stream: MediaStream, participantId: string): Record<string, unknown> {
  const { userId, userName } = stream.participants.label(participantId);
  return { user_id: userId, user_name: userName };
}

function stateUpdate(room: RoomView, stream: MediaStream, session?: StreamSession): Record<string, unknown> {
  const data: Record<string, unknown> = { room_id: room.name, stream_id: stream.id, state: stream.state, media_stream: stream.info() };
  if (session) data.participant = { user_id: session.userId, user_name: session.userName, identity: session.identity, state: session.state };
  return data;
}

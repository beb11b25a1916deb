import { randomUUID } from 'node:crypto';
import type { types as ms } from 'mediasoup';
import { AppError, type EgressState, type RoomInfo, type RoomSettings, type TrackSource, emptyEgressState } from '@roomcast/protocol';
import { MEDIA_CODECS } from './codecs.js';
import { DEFAULT_PARTICIPANT_LIMITS, type ParticipantLimits } from './limits.js';
import { mapTransportError, withClientInput } from './mediaErrors.js';
import { Participant, type ParticipantOptions, type PublishedTrack } from './Participant.js';
import { RoomRouters } from './RoomRouters.js';
import type { RoomView, RtpTap, RtpTarget } from './RoomView.js';
import { openRtpTap } from './rtpTap.js';
import { Subscriptions } from './Subscriptions.js';
import { createWebRtcTransport, type Direction, type WebRtcSettings } from './transports.js';
import { TypedEmitter } from './TypedEmitter.js';
import type { WorkerPool } from './WorkerPool.js';

/** Why a room closed: an admin deleted it, its media worker died, the server stopped, or nobody was in it for ROOM_EMPTY_TIMEOUT_S. */
export type RoomCloseReason = 'deleted' | 'worker_died' | 'server_shutdown' | 'empty';

export interface RoomEvents extends Record<string, unknown[]> {
  participantJoined: [participant: Participant];
  participantLeft: [participant: Participant];
  /** A track was published: egress subscribes to it from here. */
  producerAdded: [participant: Participant, track: PublishedTrack];
  producerRemoved: [participant: Participant, producerId: string];
  producerPaused: [participant: Participant, producerId: string, paused: boolean];
  activeSpeaker: [participantId: string | null];
  closed: [reason: RoomCloseReason];
  settingsChanged: [settings: RoomSettings];
  /** Work the room started on its own (subscribing someone) failed: for the log, never a crash. */
  backgroundError: [error: unknown, task: string];
}

export interface ProduceOptions {
  transportId: string;
  kind: ms.MediaKind;
  rtpParameters: ms.RtpParameters;
  source: TrackSource;
  paused?: boolean;
}

/**
 * A room: its main router (with every producer), its participants, and the active speaker. A large
 * room also has routers on other workers for its subscribers (RoomRouters). Closing it closes
 * everything it owns.
 */
export class Room extends TypedEmitter<RoomEvents> implements RoomView {
  readonly createdAt = new Date();
  readonly participants = new Map<string, Participant>();
  /** Egress state is owned by the egress layer; the room only carries it for `info()`. */
  egress: EgressState = emptyEgressState();
  activeSpeakerId: string | null = null;
  /** The room's type and effective settings (type < room), set by the server; the room only carries them. */
  type = 'default';
  #settings: RoomSettings = {};
  readonly #subscriptions: Subscriptions;
  /** The main router and, past SFU_CONSUMERS_PER_WORKER consumers, the routers it pipes into. */
  readonly routers: RoomRouters;
  #closed = false;

  private constructor(
    readonly name: string,
    /** The main router: it holds every producer of the room (egress consumes from here). */
    readonly router: ms.Router,
    readonly speakerObserver: ms.ActiveSpeakerObserver,
    readonly webRtc: WebRtcSettings,
    /** Per participant; replaced when the room's settings change (read at each request). */
    public limits: ParticipantLimits,
    pool: WorkerPool,
    consumersPerWorker: number,
  ) {
    super();
    this.routers = new RoomRouters(router, pool, {
      consumersPerWorker,
      mediaCodecs: MEDIA_CODECS,
      onError: (error) => {
        if (!this.#closed) this.safeEmit('backgroundError', error, 'spread the room over another worker');
      },
      onRouterLost: () => this.#removeParticipantsOfLostRouter(),
    });
    this.#subscriptions = new Subscriptions(router, () => this.limits.consumers, this.routers);
  }

  /** `consumersPerWorker`: SFU_CONSUMERS_PER_WORKER (0, the default: the room stays on one router). */
  static async create(name: string, pool: WorkerPool, webRtc: WebRtcSettings, limits = DEFAULT_PARTICIPANT_LIMITS, consumersPerWorker = 0): Promise<Room> {
    const router = await pool.createRouter(MEDIA_CODECS);
    const speakerObserver = await router.createActiveSpeakerObserver({ interval: 300 });
    const room = new Room(name, router, speakerObserver, webRtc, limits, pool, consumersPerWorker);
    speakerObserver.on('dominantspeaker', ({ producer }: { producer: ms.Producer }) => {
      room.#setActiveSpeaker((producer.appData as { participantId?: string }).participantId ?? null);
    });
    // The router closes by itself when its worker dies.
    router.observer.once('close', () => room.close('worker_died'));
    return room;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get settings(): RoomSettings {
    return this.#settings;
  }

  /** Announced (`settingsChanged`) so a mirror of the room on an egress process follows. */
  set settings(settings: RoomSettings) {
    this.#settings = settings;
    if (!this.#closed) this.safeEmit('settingsChanged', settings);
  }

  /** Adds a participant. Another connection with the same identity is replaced (closed and told so). */
  addParticipant(options: Omit<ParticipantOptions, 'id'>): Participant {
    this.#assertOpen();
    const existing = [...this.participants.values()].find((p) => p.identity === options.identity);
    if (existing) {
      existing.notify('replaced', {});
      this.removeParticipant(existing);
    }
    const participant = new Participant({ ...options, id: randomUUID() });
    this.participants.set(participant.id, participant);
    participant.once('mediaTimeout', () => this.removeParticipant(participant));
    return participant;
  }

  participant(id: string): Participant {
    const participant = this.participants.get(id);
    if (!participant) throw new AppError('participant_not_found', `no participant ${id}`);
    return participant;
  }

  /** Marks the participant joined, announces it, and subscribes it to everything already published. */
  join(participant: Participant, rtpCapabilities: ms.RtpCapabilities): void {
    this.#assertPresent(participant);
    if (participant.joined) throw new AppError('already_joined', 'already joined');
    participant.rtpCapabilities = rtpCapabilities;
    participant.joined = true;
    // A hidden participant (the web layout's recorder) is nobody's news: no notification, no event, no webhook.
    if (!participant.hidden) {
      for (const other of this.#others(participant)) other.notify('participantJoined', { participant: participant.info() });
      this.safeEmit('participantJoined', participant);
    }
    this.#consumeExisting(participant);
  }

  async createTransport(participant: Participant, direction: Direction): Promise<ms.WebRtcTransport> {
    this.#assertPresent(participant);
    if (direction === 'send') participant.assertCan('publish');
    // Counted before the await, so a burst of concurrent requests cannot slip past the limit.
    if (participant.transportsCreated[direction] >= this.limits.transportsPerDirection) {
      throw new AppError('limit_exceeded', `at most ${this.limits.transportsPerDirection} ${direction} transports per participant`);
    }
    participant.transportsCreated[direction]++;
    const router = direction === 'send' || this.routers.mainHasRoom ? this.router : await this.routers.forRecv();
    if (participant.closed || this.#closed) throw new AppError('not_joined', 'participant left');
    const transport = await createWebRtcTransport(router, participant, direction, this.webRtc).catch((error: unknown) => {
      throw mapTransportError(error);
    });
    if (participant.closed || this.#closed) {
      transport.close();
      throw new AppError('not_joined', 'participant left');
    }
    participant.transports.set(transport.id, transport);
    if (direction === 'recv') this.#consumeExisting(participant);
    return transport;
  }

  /** Adds a transport made elsewhere (a PlainTransport of a server-side publisher) to a participant. */
  adoptTransport(participant: Participant, transport: ms.Transport): void {
    participant.transports.set(transport.id, transport);
  }

  async produce(participant: Participant, options: ProduceOptions): Promise<ms.Producer> {
    this.#assertPresent(participant);
    participant.assertCan('publish');
    const transport = participant.transport(options.transportId);
    if ((transport.appData as { direction?: string }).direction !== 'send') {
      throw new AppError('bad_request', 'produce needs a send transport');
    }
    const slot = participant.reserveProducer(options.kind, options.source, this.limits.producers);
    let producer: ms.Producer;
    try {
      producer = await withClientInput('rtpParameters', () =>
        transport.produce({
          kind: options.kind,
          rtpParameters: options.rtpParameters,
          paused: options.paused ?? false,
          appData: { participantId: participant.id, source: options.source },
        }),
      );
    } finally {
      slot.release();
    }
    // The participant may have left (or the room closed) while the worker made the producer:
    // mediasoup would keep it on the router, and everyone would be subscribed to a ghost.
    if (participant.closed || this.#closed) {
      producer.close();
      throw new AppError('not_joined', 'participant left');
    }
    const track: PublishedTrack = { producer, source: options.source };
    participant.producers.set(producer.id, track);
    producer.observer.once('close', () => this.#onProducerClosed(participant, producer.id));
    this.routers.addProducer(producer);
    if (producer.kind === 'audio') {
      this.speakerObserver.addProducer({ producerId: producer.id }).catch(() => undefined);
    }
    this.#announceUpdate(participant);
    this.safeEmit('producerAdded', participant, track);
    for (const other of this.#others(participant)) {
      this.#background(this.#subscriptions.consume(other, participant, track), 'subscribe to a new track');
    }
    return producer;
  }

  closeProducer(participant: Participant, producerId: string): void {
    participant.producer(producerId).producer.close();
  }

  async setProducerPaused(participant: Participant, producerId: string, paused: boolean): Promise<void> {
    const { producer } = participant.producer(producerId);
    await withClientInput(paused ? 'pauseProducer' : 'resumeProducer', () => (paused ? producer.pause() : producer.resume()));
    if (participant.closed || this.#closed || producer.closed) return;
    this.#announceUpdate(participant);
    this.safeEmit('producerPaused', participant, producerId, paused);
  }

  /** The egress's request (RoomView): one producer's RTP to `target`, from the main router (it holds every producer). */
  async openTap(producerId: string, target: RtpTarget): Promise<RtpTap> {
    this.#assertOpen();
    return openRtpTap(this.router, producerId, target, this.webRtc.tapListenIp);
  }

  async producerBytesReceived(producerId: string): Promise<number | undefined> {
    const producer = this.#producer(producerId);
    if (!producer || producer.closed) return undefined;
    const stats = await producer.getStats();
    return stats.reduce((sum, s) => sum + s.byteCount, 0);
  }

  #producer(producerId: string): ms.Producer | undefined {
    for (const participant of this.participants.values()) {
      const track = participant.producers.get(producerId);
      if (track) return track.producer;
    }
    return undefined;
  }

  removeParticipant(participant: Participant): void {
    if (!this.participants.delete(participant.id)) return;
    const wasJoined = participant.joined;
    participant.close();
    if (!wasJoined || participant.hidden) return;
    for (const other of this.participants.values()) other.notify('participantLeft', { participantId: participant.id });
    this.safeEmit('participantLeft', participant);
    if (this.activeSpeakerId === participant.id) this.#setActiveSpeaker(null);
  }

  info(): RoomInfo {
    return {
      name: this.name,
      created_at: this.createdAt.toISOString(),
      participants: [...this.participants.values()].filter((p) => p.joined && !p.hidden).map((p) => p.info()),
      active_speaker: this.activeSpeakerId,
      egress: this.egress,
      type: this.type,
      settings: this.settings,
    };
  }

  /** Closes the room: participants are told why, then everything is closed. Safe to call twice. */
  close(reason: RoomCloseReason): void {
    if (this.#closed) return;
    this.#closed = true;
    const message = reason === 'worker_died' ? 'the media worker hosting this room died' : `room closed (${reason})`;
    for (const participant of this.participants.values()) {
      participant.notify('roomClosed', { reason, message });
      participant.close();
    }
    this.participants.clear();
    this.routers.close();
    this.router.close();
    this.safeEmit('closed', reason);
    this.removeAllListeners();
  }

  /** A spread router's worker died: its subscribers lost their transports and must reconnect. */
  #removeParticipantsOfLostRouter(): void {
    for (const participant of [...this.participants.values()]) {
      if ([...participant.transports.values()].some((t) => t.closed)) this.removeParticipant(participant);
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('room_not_found', `room ${this.name} is closed`);
  }

  /** A request from a participant that has left (or a closed room) changes nothing. */
  #assertPresent(participant: Participant): void {
    this.#assertOpen();
    if (participant.closed || this.participants.get(participant.id) !== participant) {
      throw new AppError('not_joined', 'this participant has left');
    }
  }

  /** Owns a task the room starts on its own: its failure is reported, never left unhandled. */
  #background(task: Promise<unknown>, what: string): void {
    task.catch((error: unknown) => {
      if (!this.#closed) this.safeEmit('backgroundError', error, what);
    });
  }

  *#others(participant: Participant): Iterable<Participant> {
    for (const other of this.participants.values()) {
      if (other !== participant && other.joined) yield other;
    }
  }

  #announceUpdate(participant: Participant): void {
    if (!participant.joined || participant.closed) return;
    for (const other of this.#others(participant)) other.notify('participantUpdated', { participant: participant.info() });
  }

  #onProducerClosed(participant: Participant, producerId: string): void {
    // A leaving participant's producers close with it: `participantLeft` says it all.
    if (!participant.producers.delete(producerId) || this.#closed || participant.closed) return;
    this.#announceUpdate(participant);
    this.safeEmit('producerRemoved', participant, producerId);
  }

  #setActiveSpeaker(participantId: string | null): void {
    if (participantId === this.activeSpeakerId) return;
    this.activeSpeakerId = participantId;
    for (const participant of this.participants.values()) {
      if (participant.joined) participant.notify('activeSpeaker', { participantId });
    }
    this.safeEmit('activeSpeaker', participantId);
  }

  #consumeExisting(participant: Participant): void {
    if (!participant.canConsume) return;
    this.#background(this.#subscriptions.consumeAll(participant, this.#others(participant)), 'subscribe to existing tracks');
  }
}

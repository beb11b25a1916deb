import { randomUUID } from 'node:crypto';
import type { types as ms } from 'mediasoup';
import { AppError, type EgressState, type RoomInfo, type TrackSource, emptyEgressState } from '@roomcast/protocol';
import { MEDIA_CODECS } from './codecs.js';
import { Participant, type ParticipantOptions, type PublishedTrack } from './Participant.js';
import { createWebRtcTransport, type Direction, type WebRtcSettings } from './transports.js';
import { TypedEmitter } from './TypedEmitter.js';
import type { WorkerPool } from './WorkerPool.js';

export type RoomCloseReason = 'deleted' | 'worker_died' | 'server_shutdown';

export interface RoomEvents extends Record<string, unknown[]> {
  participantJoined: [participant: Participant];
  participantLeft: [participant: Participant];
  /** A track was published: egress subscribes to it from here. */
  producerAdded: [participant: Participant, track: PublishedTrack];
  producerRemoved: [participant: Participant, producerId: string];
  producerPaused: [participant: Participant, producerId: string, paused: boolean];
  activeSpeaker: [participantId: string | null];
  closed: [reason: RoomCloseReason];
}

export interface ProduceOptions {
  transportId: string;
  kind: ms.MediaKind;
  rtpParameters: ms.RtpParameters;
  source: TrackSource;
  paused?: boolean;
}

/** A room: one router, its participants, and the active speaker. Closing it closes everything it owns. */
export class Room extends TypedEmitter<RoomEvents> {
  readonly createdAt = new Date();
  readonly participants = new Map<string, Participant>();
  /** Egress state is owned by the egress layer; the room only carries it for `info()`. */
  egress: EgressState = emptyEgressState();
  activeSpeakerId: string | null = null;
  #closed = false;

  private constructor(
    readonly name: string,
    readonly router: ms.Router,
    readonly speakerObserver: ms.ActiveSpeakerObserver,
    readonly webRtc: WebRtcSettings,
  ) {
    super();
  }

  static async create(name: string, pool: WorkerPool, webRtc: WebRtcSettings): Promise<Room> {
    const router = await pool.createRouter(MEDIA_CODECS);
    const speakerObserver = await router.createActiveSpeakerObserver({ interval: 300 });
    const room = new Room(name, router, speakerObserver, webRtc);
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
    if (participant.joined) throw new AppError('already_joined', 'already joined');
    participant.rtpCapabilities = rtpCapabilities;
    participant.joined = true;
    for (const other of this.#others(participant)) other.notify('participantJoined', { participant: participant.info() });
    this.safeEmit('participantJoined', participant);
    void this.#consumeExisting(participant);
  }

  async createTransport(participant: Participant, direction: Direction): Promise<ms.WebRtcTransport> {
    if (direction === 'send') participant.assertCan('publish');
    const transport = await createWebRtcTransport(this.router, participant, direction, this.webRtc);
    if (participant.closed) {
      transport.close();
      throw new AppError('not_joined', 'participant left');
    }
    participant.transports.set(transport.id, transport);
    if (direction === 'recv') void this.#consumeExisting(participant);
    return transport;
  }

  /** Adds a transport made elsewhere (a PlainTransport of a server-side publisher) to a participant. */
  adoptTransport(participant: Participant, transport: ms.Transport): void {
    participant.transports.set(transport.id, transport);
  }

  async produce(participant: Participant, options: ProduceOptions): Promise<ms.Producer> {
    participant.assertCan('publish');
    const transport = participant.transport(options.transportId);
    const producer = await transport.produce({
      kind: options.kind,
      rtpParameters: options.rtpParameters,
      paused: options.paused ?? false,
      appData: { participantId: participant.id, source: options.source },
    });
    const track: PublishedTrack = { producer, source: options.source };
    participant.producers.set(producer.id, track);
    producer.observer.once('close', () => this.#onProducerClosed(participant, producer.id));
    if (producer.kind === 'audio') {
      this.speakerObserver.addProducer({ producerId: producer.id }).catch(() => undefined);
    }
    this.#announceUpdate(participant);
    this.safeEmit('producerAdded', participant, track);
    for (const other of this.#others(participant)) void this.#consume(other, participant, track);
    return producer;
  }

  closeProducer(participant: Participant, producerId: string): void {
    participant.producer(producerId).producer.close();
  }

  async setProducerPaused(participant: Participant, producerId: string, paused: boolean): Promise<void> {
    const { producer } = participant.producer(producerId);
    if (paused) await producer.pause();
    else await producer.resume();
    this.#announceUpdate(participant);
    this.safeEmit('producerPaused', participant, producerId, paused);
  }

  removeParticipant(participant: Participant): void {
    if (!this.participants.delete(participant.id)) return;
    const wasJoined = participant.joined;
    participant.close();
    if (!wasJoined) return;
    for (const other of this.participants.values()) other.notify('participantLeft', { participantId: participant.id });
    this.safeEmit('participantLeft', participant);
    if (this.activeSpeakerId === participant.id) this.#setActiveSpeaker(null);
  }

  info(): RoomInfo {
    return {
      name: this.name,
      created_at: this.createdAt.toISOString(),
      participants: [...this.participants.values()].filter((p) => p.joined).map((p) => p.info()),
      active_speaker: this.activeSpeakerId,
      egress: this.egress,
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
    this.router.close();
    this.safeEmit('closed', reason);
    this.removeAllListeners();
  }

  #assertOpen(): void {
    if (this.#closed) throw new AppError('room_not_found', `room ${this.name} is closed`);
  }

  *#others(participant: Participant): Iterable<Participant> {
    for (const other of this.participants.values()) {
      if (other !== participant && other.joined) yield other;
    }
  }

  #announceUpdate(participant: Participant): void {
    if (!participant.joined) return;
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

  async #consumeExisting(participant: Participant): Promise<void> {
    if (!participant.canConsume) return;
    for (const other of this.#others(participant)) {
      for (const track of other.producers.values()) await this.#consume(participant, other, track);
    }
  }

  /** Creates a paused consumer of `track` for `subscriber` and tells its client; the client resumes it. */
  async #consume(subscriber: Participant, publisher: Participant, track: PublishedTrack): Promise<void> {
    const transport = subscriber.recvTransport;
    const rtpCapabilities = subscriber.rtpCapabilities;
    if (!subscriber.canConsume || !transport || !rtpCapabilities) return;
    const { producer } = track;
    if (producer.closed || [...subscriber.consumers.values()].some((c) => c.producerId === producer.id)) return;
    if (!this.router.canConsume({ producerId: producer.id, rtpCapabilities })) return;
    try {
      const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities, paused: true });
      subscriber.consumers.set(consumer.id, consumer);
      this.#wireConsumer(subscriber, consumer);
      subscriber.notify('newConsumer', {
        id: consumer.id,
        producerId: producer.id,
        participantId: publisher.id,
        kind: consumer.kind,
        source: track.source,
        rtpParameters: consumer.rtpParameters as unknown as Record<string, unknown>,
        producerPaused: consumer.producerPaused,
      });
    } catch (error) {
      // The producer or transport closed while consuming: nothing to clean up.
      if (!producer.closed && !transport.closed) throw error;
    }
  }

  #wireConsumer(subscriber: Participant, consumer: ms.Consumer): void {
    const forget = (): void => {
      if (subscriber.consumers.delete(consumer.id)) subscriber.notify('consumerClosed', { consumerId: consumer.id });
    };
    consumer.on('transportclose', () => subscriber.consumers.delete(consumer.id));
    consumer.on('producerclose', forget);
    consumer.on('producerpause', () => subscriber.notify('consumerPaused', { consumerId: consumer.id }));
    consumer.on('producerresume', () => subscriber.notify('consumerResumed', { consumerId: consumer.id }));
  }
}

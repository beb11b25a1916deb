import { randomUUID } from 'node:crypto';
import { AppError, type EgressState, type WebhookEventType } from '@roomcast/protocol';
import type { Participant, PublishedTrack, Room, RoomCloseReason, RtpTap, RtpTarget, Sfu } from '@roomcast/sfu';
import type { FeedEvent, OpenedTap, ParticipantSnapshot, RoomSnapshot, SfuFunctions, TrackSnapshot } from './feedMessages.js';

/** What the SFU does with what the egress reports (tell the room's participants). */
export interface RoomFeedHooks {
  egressState?(room: Room, state: EgressState): void;
  egressEvent?(room: Room, type: WebhookEventType, data: Record<string, unknown>): void;
}

/**
 * The SFU's side of the egress interface: turns its rooms into FeedEvents for a remote egress and
 * answers that egress's requests (taps, stats, egress state). One per connected egress; `close()`
 * closes every tap it opened, so an egress that goes away leaves no consumer behind.
 */
export class RoomFeedSource implements SfuFunctions {
  readonly #taps = new Map<string, RtpTap>();
  readonly #detach: Array<() => void> = [];
  /** Per open room: what stops watching it (dropped as the room closes, so closed rooms are not kept). */
  readonly #watching = new Map<Room, () => void>();
  #closed = false;

  constructor(
    readonly sfu: Sfu,
    readonly send: (event: FeedEvent) => void,
    readonly hooks: RoomFeedHooks = {},
  ) {
    const onCreated = (room: Room): void => this.#watch(room);
    sfu.on('roomCreated', onCreated);
    this.#detach.push(() => sfu.off('roomCreated', onCreated));
    for (const room of sfu.rooms.values()) this.#watch(room);
  }

  /** Rooms being watched now (open ones only). */
  get watchedRooms(): number {
    return this.#watching.size;
  }

  snapshot(): RoomSnapshot[] {
    return [...this.sfu.rooms.values()].filter((room) => !room.closed).map(roomSnapshot);
  }

  async openTap(roomName: string, producerId: string, target: RtpTarget): Promise<OpenedTap> {
    const tap = await this.sfu.room(roomName).openTap(producerId, target);
    if (this.#closed) {
      tap.close();
      throw new AppError('room_not_found', 'the egress connection closed');
    }
    const tapId = randomUUID();
    this.#taps.set(tapId, tap);
    tap.onClose(() => {
      if (this.#taps.delete(tapId)) this.#emit({ type: 'tapClosed', tapId });
    });
    return { tapId, kind: tap.kind, rtpParameters: tap.rtpParameters, ...(tap.srtpParameters ? { srtpParameters: tap.srtpParameters } : {}) };
  }

  async tapResume(tapId: string): Promise<void> {
    await this.#tap(tapId).resume();
  }

  async tapRequestKeyFrame(tapId: string): Promise<void> {
    await this.#tap(tapId).requestKeyFrame();
  }

  async tapPreferSpatialLayer(tapId: string, spatialLayer: number): Promise<void> {
    await this.#tap(tapId).preferSpatialLayer(spatialLayer);
  }

  async tapClose(tapId: string): Promise<void> {
    const tap = this.#taps.get(tapId);
    this.#taps.delete(tapId);
    tap?.close();
  }

  async producerBytesReceived(roomName: string, producerId: string): Promise<number | undefined> {
    const room = this.sfu.rooms.get(roomName);
    return room ? room.producerBytesReceived(producerId) : undefined;
  }

  setEgressState(roomName: string, state: EgressState): void {
    const room = this.sfu.rooms.get(roomName);
    if (!room || room.closed || this.#closed) return;
    room.egress = state;
    this.hooks.egressState?.(room, state);
  }

  egressEvent(roomName: string, type: WebhookEventType, data: Record<string, unknown>): void {
    const room = this.sfu.rooms.get(roomName);
    if (room && !room.closed && !this.#closed) this.hooks.egressEvent?.(room, type, data);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const detach of this.#detach.splice(0)) detach();
    for (const unwatch of this.#watching.values()) unwatch();
    this.#watching.clear();
    for (const tap of this.#taps.values()) tap.close();
    this.#taps.clear();
  }

  #tap(tapId: string): RtpTap {
    const tap = this.#taps.get(tapId);
    if (!tap || tap.closed) throw new AppError('not_found', `no tap ${tapId}`);
    return tap;
  }

  #emit(event: FeedEvent): void {
    if (!this.#closed) this.send(event);
  }

  /** Every change of the room, as a FeedEvent; hidden participants (the web layout's recorder) are never sent. */
  #watch(room: Room): void {
    const name = room.name;
    const listeners = {
      participantJoined: (p: Participant) => this.#emit({ type: 'participantJoined', room: name, participant: participantSnapshot(p) }),
      participantLeft: (p: Participant) => this.#emit({ type: 'participantLeft', room: name, participantId: p.id }),
      producerAdded: (p: Participant, track: PublishedTrack) => {
        if (p.joined && !p.hidden) this.#emit({ type: 'producerAdded', room: name, participantId: p.id, track: trackSnapshot(track) });
      },
      producerRemoved: (p: Participant, producerId: string) => this.#emit({ type: 'producerRemoved', room: name, participantId: p.id, producerId }),
      producerPaused: (p: Participant, producerId: string, paused: boolean) =>
        this.#emit({ type: 'producerPaused', room: name, participantId: p.id, producerId, paused }),
      activeSpeaker: (participantId: string | null) => this.#emit({ type: 'activeSpeaker', room: name, participantId }),
      settingsChanged: () => this.#emit({ type: 'settings', room: name, settings: room.settings }),
      closed: (reason: RoomCloseReason) => {
        this.#watching.delete(room);
        this.#emit({ type: 'roomClosed', room: name, reason });
      },
    };
    for (const [event, listener] of Object.entries(listeners)) room.on(event as never, listener as never);
    this.#watching.set(room, () => {
      for (const [event, listener] of Object.entries(listeners)) room.off(event as never, listener as never);
    });
    this.#emit({ type: 'roomOpened', room: roomSnapshot(room) });
  }
}

function trackSnapshot({ producer, source }: PublishedTrack): TrackSnapshot {
  return { id: producer.id, kind: producer.kind, paused: producer.paused, source };
}

function participantSnapshot(participant: Participant): ParticipantSnapshot {
  return {
    id: participant.id,
    identity: participant.identity,
    name: participant.name,
    role: participant.role,
    tracks: [...participant.producers.values()].map(trackSnapshot),
  };
}

function roomSnapshot(room: Room): RoomSnapshot {
  return {
    name: room.name,
    settings: room.settings,
    activeSpeakerId: room.activeSpeakerId,
    participants: [...room.participants.values()].filter((p) => p.joined && !p.hidden).map(participantSnapshot),
  };
}

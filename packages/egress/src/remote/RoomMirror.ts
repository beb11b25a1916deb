import { emptyEgressState, type EgressState, type RoomSettings } from '@roomcast/protocol';
import { type ParticipantView, type RoomView, type RoomViewEvents, type RtpTap, type RtpTarget, type TrackView, TypedEmitter } from '@roomcast/sfu';
import type { FeedEvent, ParticipantSnapshot, RoomSnapshot, SfuFunctions, TrackSnapshot } from './feedMessages.js';
import { MirrorTap } from './MirrorTap.js';

/** The SFU's functions as the egress calls them (over birpc: each returns a promise). */
export type SfuCalls = { [K in keyof SfuFunctions]: (...args: Parameters<SfuFunctions[K]>) => Promise<Awaited<ReturnType<SfuFunctions[K]>>> };

interface MirroredTrack extends TrackView {
  producer: { id: string; kind: TrackView['producer']['kind']; paused: boolean; closed: boolean };
}

class MirroredParticipant implements ParticipantView {
  readonly id: string;
  readonly identity: string;
  readonly name: string;
  readonly role: ParticipantView['role'];
  readonly joined = true;
  readonly hidden = false;
  closed = false;
  readonly producers = new Map<string, MirroredTrack>();

  constructor(snapshot: ParticipantSnapshot) {
    this.id = snapshot.id;
    this.identity = snapshot.identity;
    this.name = snapshot.name;
    this.role = snapshot.role;
    for (const track of snapshot.tracks) this.producers.set(track.id, mirroredTrack(track));
  }
}

function mirroredTrack(track: TrackSnapshot): MirroredTrack {
  return { producer: { id: track.id, kind: track.kind, paused: track.paused, closed: false }, source: track.source };
}

/**
 * A room of another process (or node) as the egress sees it (RoomView): kept current by the SFU's
 * FeedEvents, with taps and stats asked of the SFU. Events fire as the in-process Room's do, so
 * the egress cannot tell the two apart.
 */
export class RoomMirror extends TypedEmitter<RoomViewEvents> implements RoomView {
  readonly name: string;
  readonly participants = new Map<string, MirroredParticipant>();
  activeSpeakerId: string | null;
  settings: RoomSettings;
  #egress: EgressState = emptyEgressState();
  #closed = false;

  constructor(
    snapshot: RoomSnapshot,
    readonly sfu: SfuCalls,
    readonly taps: Map<string, MirrorTap>,
  ) {
    super();
    this.name = snapshot.name;
    this.settings = snapshot.settings;
    this.activeSpeakerId = snapshot.activeSpeakerId;
    for (const participant of snapshot.participants) this.participants.set(participant.id, new MirroredParticipant(participant));
  }

  get closed(): boolean {
    return this.#closed;
  }

  get egress(): EgressState {
    return this.#egress;
  }

  /** The SFU carries the egress state for its participants and `info()`: sent there as well. */
  set egress(state: EgressState) {
    this.#egress = state;
    if (!this.#closed) this.sfu.setEgressState(this.name, state).catch(() => undefined);
  }

  async openTap(producerId: string, target: RtpTarget): Promise<RtpTap> {
    const opened = await this.sfu.openTap(this.name, producerId, target);
    const tap = new MirrorTap(opened, this.sfu, () => this.taps.delete(opened.tapId));
    this.taps.set(opened.tapId, tap);
    return tap;
  }

  producerBytesReceived(producerId: string): Promise<number | undefined> {
    return this.sfu.producerBytesReceived(this.name, producerId);
  }

  /** Applies one change from the SFU and fires the event the Room fired there. */
  apply(event: Exclude<FeedEvent, { type: 'roomOpened' | 'tapClosed' }>): void {
    if (this.#closed) return;
    switch (event.type) {
      case 'participantJoined': {
        const participant = new MirroredParticipant(event.participant);
        this.participants.set(participant.id, participant);
        this.safeEmit('participantJoined', participant);
        return;
      }
      case 'participantLeft': {
        const participant = this.participants.get(event.participantId);
        if (!participant) return;
        this.participants.delete(participant.id);
        participant.closed = true;
        for (const track of participant.producers.values()) track.producer.closed = true;
        this.safeEmit('participantLeft', participant);
        return;
      }
      case 'producerAdded': {
        const participant = this.participants.get(event.participantId);
        if (!participant) return;
        const track = mirroredTrack(event.track);
        participant.producers.set(track.producer.id, track);
        this.safeEmit('producerAdded', participant, track);
        return;
      }
      case 'producerRemoved': {
        const participant = this.participants.get(event.participantId);
        const track = participant?.producers.get(event.producerId);
        if (!participant || !track) return;
        participant.producers.delete(event.producerId);
        track.producer.closed = true;
        this.safeEmit('producerRemoved', participant, event.producerId);
        return;
      }
      case 'producerPaused': {
        const participant = this.participants.get(event.participantId);
        const track = participant?.producers.get(event.producerId);
        if (!participant || !track) return;
        track.producer.paused = event.paused;
        this.safeEmit('producerPaused', participant, event.producerId, event.paused);
        return;
      }
      case 'activeSpeaker':
        this.activeSpeakerId = event.participantId;
        this.safeEmit('activeSpeaker', event.participantId);
        return;
      case 'settings':
        this.settings = event.settings;
        return;
      case 'roomClosed':
        this.#closed = true;
        for (const participant of this.participants.values()) participant.closed = true;
        this.participants.clear();
        this.safeEmit('closed', event.reason);
        this.removeAllListeners();
        return;
    }
  }
}

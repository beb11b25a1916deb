import type { ConsumerInfo, ParticipantInfo } from '@roomcast/protocol';
import type { types } from 'mediasoup-client';
import type { RoomEmit } from './events.js';
import type { Connection } from './MediaSession.js';
import { RemoteParticipant } from './Participant.js';
import { RemoteTrack } from './tracks.js';

/**
 * The remote participants and the tracks we receive from them. The server subscribes us to
 * everything (`newConsumer`, paused); this consumes each one, resumes it, and keeps the roster.
 */
export class Subscriptions {
  readonly participants = new Map<string, RemoteParticipant>();

  constructor(private readonly emit: RoomEmit) {}

  /** Reconciles with the server's list after a (re)join: who left meanwhile goes, who came is added. */
  sync(infos: readonly ParticipantInfo[]): void {
    const present = new Set(infos.map((info) => info.id));
    for (const participant of [...this.participants.values()]) {
      if (!present.has(participant.id)) this.remove(participant.id);
    }
    for (const info of infos) this.upsert(info);
  }

  /** A participant joined (new id) or changed (known id). */
  upsert(info: ParticipantInfo): void {
    const known = this.participants.get(info.id);
    if (known) {
      known.setInfo(info);
      this.emit('participantUpdated', known);
      return;
    }
    const participant = new RemoteParticipant(info);
    this.participants.set(info.id, participant);
    this.emit('participantJoined', participant);
  }

  remove(participantId: string): void {
    const participant = this.participants.get(participantId);
    if (!participant) return;
    for (const track of participant.tracks) this.#drop(participant, track);
    this.participants.delete(participantId);
    this.emit('participantLeft', participant);
  }

  /** Consumes a server-side consumer on our receive transport, announces it, then resumes it. */
  async subscribe(conn: Connection, info: ConsumerInfo): Promise<void> {
    const participant = this.participants.get(info.participantId);
    if (!participant) {
      // The server announces a participant before its tracks, so this is a stale consumer.
      console.warn(`[roomcast] consumer ${info.id} of unknown participant ${info.participantId}: ignored`);
      return;
    }
    const consumer = await conn.session.recvTransport.consume({
      id: info.id,
      producerId: info.producerId,
      kind: info.kind,
      rtpParameters: info.rtpParameters as unknown as types.RtpParameters,
      appData: { participantId: info.participantId, source: info.source },
    });
    if (conn.session.closed || this.participants.get(info.participantId) !== participant) {
      consumer.close();
      return;
    }
    const track = new RemoteTrack(participant.id, info.source, consumer, info.producerPaused);
    participant.trackMap.set(consumer.id, track);
    this.emit('trackSubscribed', participant, track, track.source, track.stream);
    // Not awaited: the next notification need not wait a round trip for media to start.
    conn.signal.request('resumeConsumer', { consumerId: consumer.id }).catch((error: unknown) => {
      if (!consumer.closed) console.warn(`[roomcast] resuming consumer ${consumer.id} failed`, error);
    });
  }

  unsubscribe(consumerId: string): void {
    const found = this.find(consumerId);
    if (found) this.#drop(found.participant, found.track);
  }

  /** Its publisher paused or resumed the producer of one of our consumers. */
  setMuted(consumerId: string, muted: boolean): void {
    const found = this.find(consumerId);
    if (!found || found.track.muted === muted) return;
    found.track.markMuted(muted);
    this.emit(muted ? 'trackMuted' : 'trackUnmuted', found.participant, found.track);
  }

  /** Drops every track (their consumers died with the old connection); participants stay. */
  dropAllTracks(): void {
    for (const participant of this.participants.values()) {
      for (const track of participant.tracks) this.#drop(participant, track);
    }
  }

  /** Leaving: drops every track and forgets everyone (no `participantLeft` per participant). */
  clear(): void {
    this.dropAllTracks();
    this.participants.clear();
  }

  find(consumerId: string): { participant: RemoteParticipant; track: RemoteTrack } | undefined {
    for (const participant of this.participants.values()) {
      const track = participant.trackMap.get(consumerId);
      if (track) return { participant, track };
    }
    return undefined;
  }

  #drop(participant: RemoteParticipant, track: RemoteTrack): void {
    participant.trackMap.delete(track.consumerId);
    track.consumer.close();
    this.emit('trackUnsubscribed', participant, track, track.source);
  }
}

import { RoomcastError } from './errors.js';
import type { RoomEmit } from './events.js';
import type { Connection } from './MediaSession.js';
import type { LocalParticipant } from './Participant.js';
import { pickCodec, produceSettings } from './encodings.js';
import { LocalTrack, type LocalSource } from './tracks.js';

/**
 * Publishes the local participant's tracks. A track is kept (and its capture left running) while
 * the connection is rebuilt, then produced again on the new connection with its mute state.
 */
export class Publisher {
  #conn: Connection | undefined;

  constructor(
    private readonly local: LocalParticipant,
    private readonly emit: RoomEmit,
  ) {}

  /** Uses a (new) connection and publishes every kept track on it. */
  async attach(conn: Connection): Promise<void> {
    this.#conn = conn;
    await Promise.all(this.local.tracks.map((track) => this.#produceOrReport(track, conn)));
  }

  /** Forgets the connection: its transports are closed, and with them our producers. */
  detach(): void {
    this.#conn = undefined;
    for (const track of this.local.tracks) track.producer = undefined;
  }

  /** Adds a captured track under `source` and produces it if connected. */
  async publish(source: LocalSource, mediaStreamTrack: MediaStreamTrack): Promise<LocalTrack> {
    if (this.local.trackMap.has(source)) {
      throw new RoomcastError('conflict', `${source} is already published: unpublish it first`);
    }
    const track = new LocalTrack(source, mediaStreamTrack);
    this.local.trackMap.set(source, track);
    // The browser's own "stop sharing" button, or an unplugged camera, ends the track.
    mediaStreamTrack.addEventListener('ended', () => {
      if (this.local.trackMap.get(source) === track) void this.unpublish(source);
    });
    this.emit('localTrackPublished', this.local, track);
    const conn = this.#conn;
    if (!conn) return track; // Reconnecting: produced on attach().
    try {
      await this.#produce(track, conn);
    } catch (error) {
      await this.unpublish(source);
      throw error;
    }
    return track;
  }

  /** Stops a source's track and closes its producer on both sides. No-op if not published. */
  async unpublish(source: LocalSource): Promise<void> {
    const track = this.local.trackMap.get(source);
    if (!track) return;
    const producer = this.#remove(track);
    const conn = this.#conn;
    if (!producer || !conn) return;
    await conn.signal.request('closeProducer', { producerId: producer.id }).catch(ignoreGoneErrors);
  }

  /** Mutes or unmutes: disables the track and pauses its producer here and on the server. */
  async setMuted(source: LocalSource, muted: boolean): Promise<void> {
    const track = this.local.trackMap.get(source);
    if (!track) throw new RoomcastError('not_found', `${source} is not published`);
    if (track.muted === muted) return;
    track.markMuted(muted);
    track.mediaStreamTrack.enabled = !muted;
    this.emit(muted ? 'trackMuted' : 'trackUnmuted', this.local, track);
    const conn = this.#conn;
    if (track.producer && conn) await this.#applyPause(track, conn);
  }

  /** The server closed one of our producers (a moderator, or its limits): drop the track too. */
  closedByServer(producerId: string): void {
    const track = this.local.tracks.find((t) => t.producerId === producerId);
    if (track) this.#remove(track);
  }

  /** Stops every track (leaving the room). */
  stopAll(): void {
    for (const track of this.local.tracks) this.#remove(track);
    this.#conn = undefined;
  }

  #remove(track: LocalTrack): LocalTrack['producer'] {
    this.local.trackMap.delete(track.source);
    const producer = track.producer;
    track.producer = undefined;
    producer?.close();
    track.mediaStreamTrack.stop();
    this.emit('localTrackUnpublished', this.local, track);
    return producer;
  }

  async #produceOrReport(track: LocalTrack, conn: Connection): Promise<void> {
    try {
      await this.#produce(track, conn);
    } catch (error) {
      if (this.#conn !== conn || !conn.signal.connected) return; // The reconnect will try again.
      const reported = error instanceof RoomcastError ? error : new RoomcastError('internal', String(error), { cause: error });
      this.emit('mediaError', track.source, reported);
    }
  }

  async #produce(track: LocalTrack, conn: Connection): Promise<void> {
    const transport = conn.session.sendTransport;
    if (!transport) throw new RoomcastError('forbidden', 'this participant may not publish');
    const settings = produceSettings(track.source);
    const pausedAtStart = track.muted;
    const producer = await transport.produce({
      track: track.mediaStreamTrack,
      encodings: settings.encodings,
      codecOptions: settings.codecOptions,
      codec: pickCodec(conn.session.device.rtpCapabilities, settings.codecMimeType),
      stopTracks: false, // The capture outlives this producer: a reconnect publishes it again.
      appData: { source: track.source, paused: pausedAtStart }, // The server creates it paused too.
    });
    if (this.#conn !== conn || this.local.trackMap.get(track.source) !== track) {
      // Unpublished or disconnected while producing: undo.
      producer.close();
      if (conn.signal.connected) await conn.signal.request('closeProducer', { producerId: producer.id }).catch(ignoreGoneErrors);
      return;
    }
    track.producer = producer;
    if (pausedAtStart) producer.pause();
    // Muted or unmuted while producing: the server has the old state.
    if (track.muted !== pausedAtStart) await this.#applyPause(track, conn);
  }

  async #applyPause(track: LocalTrack, conn: Connection): Promise<void> {
    const producer = track.producer;
    if (!producer) return;
    if (track.muted) producer.pause();
    else producer.resume();
    const method = track.muted ? 'pauseProducer' : 'resumeProducer';
    await conn.signal.request(method, { producerId: producer.id });
  }
}

/** Closing what the server already dropped (or over a dead socket) is not an error worth surfacing. */
function ignoreGoneErrors(error: unknown): void {
  if (error instanceof RoomcastError && ['producer_not_found', 'connection_closed', 'not_joined'].includes(error.code)) return;
  console.warn('[roomcast] closing a producer failed', error);
}

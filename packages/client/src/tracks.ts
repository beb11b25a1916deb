import type { MediaKind, TrackSource } from '@roomcast/protocol';
import type { types } from 'mediasoup-client';

/** Sources a browser publishes (`synthetic` tracks come only from server-side publishers). */
export type LocalSource = Exclude<TrackSource, 'synthetic'>;

/**
 * A track this participant publishes. It outlives its producer: after a reconnect the same
 * MediaStreamTrack is published again under a new `producerId`.
 */
export class LocalTrack {
  readonly kind: MediaKind;
  /** A stream holding just this track, for a preview `<video>`. */
  readonly stream: MediaStream;
  /** @internal The current producer; undefined while (re)connecting. */
  producer: types.Producer | undefined;
  #muted = false;

  constructor(
    readonly source: LocalSource,
    readonly mediaStreamTrack: MediaStreamTrack,
  ) {
    this.kind = mediaStreamTrack.kind === 'audio' ? 'audio' : 'video';
    this.stream = new MediaStream([mediaStreamTrack]);
  }

  /** The server's id of the current producer, if published right now. */
  get producerId(): string | undefined {
    return this.producer?.id;
  }

  /** Whether it is muted (its producer paused, its track disabled). */
  get muted(): boolean {
    return this.#muted;
  }

  /** @internal */
  markMuted(muted: boolean): void {
    this.#muted = muted;
  }

  /**
   * WebRTC statistics of the current producer's sender (`outbound-rtp`, and `remote-inbound-rtp`
   * with the server's view of loss and round-trip time); undefined while not published.
   */
  async getStats(): Promise<RTCStatsReport | undefined> {
    const producer = this.producer;
    if (!producer || producer.closed) return undefined;
    return producer.getStats();
  }
}

/** A track of a remote participant, received through one mediasoup consumer. */
export class RemoteTrack {
  /** A stream holding just this track, for a `<video>` or `<audio>` element. */
  readonly stream: MediaStream;
  #muted: boolean;

  /** @internal */
  constructor(
    readonly participantId: string,
    readonly source: TrackSource,
    /** @internal */
    readonly consumer: types.Consumer,
    producerPaused: boolean,
  ) {
    this.stream = new MediaStream([consumer.track]);
    this.#muted = producerPaused;
  }

  get consumerId(): string {
    return this.consumer.id;
  }

  get producerId(): string {
    return this.consumer.producerId;
  }

  get kind(): MediaKind {
    return this.consumer.kind;
  }

  get mediaStreamTrack(): MediaStreamTrack {
    return this.consumer.track;
  }

  /** Whether its publisher muted it (its producer is paused). */
  get muted(): boolean {
    return this.#muted;
  }

  /** @internal */
  markMuted(muted: boolean): void {
    this.#muted = muted;
  }

  /**
   * WebRTC statistics of this track's receiver (`inbound-rtp`: packets lost, jitter, frames...),
   * e.g. for a connection-quality indicator. Undefined once the track was unsubscribed.
   */
  async getStats(): Promise<RTCStatsReport | undefined> {
    if (this.consumer.closed) return undefined;
    return this.consumer.getStats();
  }
}

export type Track = LocalTrack | RemoteTrack;

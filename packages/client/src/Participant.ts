import type { ParticipantInfo, ProducerInfo, Role, TrackSource } from '@roomcast/protocol';
import type { LocalSource, LocalTrack, RemoteTrack, Track } from './tracks.js';

/** What local and remote participants share: the server's view of them. */
export abstract class Participant {
  #info: ParticipantInfo;

  protected constructor(info: ParticipantInfo) {
    this.#info = info;
  }

  abstract readonly isLocal: boolean;

  /** Its tracks: published ones for the local participant, subscribed ones for a remote one. */
  abstract get tracks(): readonly Track[];

  /** The server's id for this connection (a reconnect of the same identity gets a new one). */
  get id(): string {
    return this.#info.id;
  }

  /** The token's `sub`: stable across reconnects. */
  get identity(): string {
    return this.#info.identity;
  }

  get name(): string {
    return this.#info.name;
  }

  get role(): Role {
    return this.#info.role;
  }

  /** The tracks the server says it publishes (including ones not subscribed yet). */
  get producers(): readonly ProducerInfo[] {
    return this.#info.producers;
  }

  get info(): ParticipantInfo {
    return this.#info;
  }

  /** @internal */
  setInfo(info: ParticipantInfo): void {
    this.#info = info;
  }
}

/** Another participant of the room, with the tracks we receive from it. */
export class RemoteParticipant extends Participant {
  readonly isLocal = false;
  /** @internal keyed by consumer id */
  readonly trackMap = new Map<string, RemoteTrack>();

  /** @internal */
  constructor(info: ParticipantInfo) {
    super(info);
  }

  get tracks(): RemoteTrack[] {
    return [...this.trackMap.values()];
  }

  /** The subscribed track of a source (`camera`, `microphone`, `screen`...), if any. */
  track(source: TrackSource): RemoteTrack | undefined {
    return this.tracks.find((t) => t.source === source);
  }
}

/** This browser's participant. Its `id` is '' until the first join answers. */
export class LocalParticipant extends Participant {
  readonly isLocal = true;
  /** @internal */
  readonly trackMap = new Map<LocalSource, LocalTrack>();

  /** @internal */
  constructor(info: ParticipantInfo) {
    super(info);
  }

  get tracks(): LocalTrack[] {
    return [...this.trackMap.values()];
  }

  track(source: LocalSource): LocalTrack | undefined {
    return this.trackMap.get(source);
  }
}

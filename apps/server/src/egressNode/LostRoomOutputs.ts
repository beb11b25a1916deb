import type { EgressCommands, MediaStreamRecord, StoredLiveStream } from '@roomcast/egress';
import type { LiveStreamInfo, MediaStreamInfo } from '@roomcast/protocol';
import type { Room, Sfu } from '@roomcast/sfu';
import type { BroadcastJobs } from './BroadcastJobs.js';

/**
 * Per room, the participants who paused their own session in the media streams (withdrew
 * consent), noted as their commands pass to the egress: a media stream that goes on on another
 * node keeps withholding them.
 */
export class MediaConsents {
  readonly #withheld = new Map<string, Set<string>>();

  constructor(sfu: Sfu) {
    sfu.on('roomClosed', (room) => this.#withheld.delete(room.name));
  }

  withheld(room: string): string[] {
    return [...(this.#withheld.get(room) ?? [])];
  }

  /** `commands`, noting each participant's consent on its way to the egress. */
  note(commands: EgressCommands): EgressCommands {
    const setMediaConsent: EgressCommands['setMediaConsent'] = async (room, participantId, paused) => {
      await commands.setMediaConsent(room, participantId, paused);
      const withheld = this.#withheld.get(room) ?? new Set<string>();
      if (paused) withheld.add(participantId);
      else withheld.delete(participantId);
      this.#withheld.set(room, withheld);
    };
    return new Proxy(commands, { get: (target, name: keyof EgressCommands) => (name === 'setMediaConsent' ? setMediaConsent : target[name]) });
  }
}

export interface LostRoomOutputsDeps {
  sfu: Sfu;
  jobs: BroadcastJobs;
  consents: MediaConsents;
  /** The pool's commands: each places its room on a serving node. */
  commands: EgressCommands;
  serving: () => boolean;
  /** A live stream that could not go on elsewhere (the node that holds it refused, or none serves). */
  failLiveStream: (room: string, stream: LiveStreamInfo) => void;
  warn: (details: object, message: string) => void;
}

/** What a room ran on a lost node, to ask of the next one. */
interface RoomOutputs {
  broadcasts: boolean;
  liveStream?: StoredLiveStream;
  mediaStreams: MediaStreamRecord[];
}

/**
 * What a lost egress node ran for its rooms, taken up on another node as soon as one serves
 * (issue 13, Deliver 4): their RTMP broadcasts (BroadcastJobs), their live streams, which go on
 * under the same id and playback URL past a discontinuity (their segments were on the lost node),
 * and their apps' media streams, under the same id, paused if they were and without the sessions
 * their participants had paused (MediaConsents).
 */
export class LostRoomOutputs {
  readonly #rooms = new Map<string, RoomOutputs>();

  constructor(readonly deps: LostRoomOutputsDeps) {
    deps.sfu.on('roomClosed', (room) => this.#rooms.delete(room.name));
  }

  /**
   * Notes what the rooms had running, from their egress state (before it is cleared); returns the
   * ids of the live streams that will go on (a stopping one ends with the node).
   */
  lost(rooms: string[]): Set<string> {
    const moving = new Set<string>();
    for (const name of rooms) {
      const room = this.deps.sfu.rooms.get(name);
      if (!room) continue;
      const outputs = this.#outputsOf(room);
      this.#rooms.set(name, outputs);
      if (outputs.liveStream) moving.add(outputs.liveStream.id);
    }
    return moving;
  }

  /** Asks a serving node for all of it (nothing when none serves yet: called again when one does). */
  resume(): void {
    if (!this.deps.serving()) return;
    const rooms = [...this.#rooms];
    this.#rooms.clear();
    const broadcasts = rooms.filter(([, outputs]) => outputs.broadcasts).map(([room]) => room);
    const notResumed = (room: string, error: unknown): void => this.deps.warn({ room, err: error }, 'a broadcast did not resume on another egress node');
    if (broadcasts.length > 0) this.deps.jobs.resume(notResumed, broadcasts).catch((error: unknown) => notResumed(broadcasts.join(','), error));
    for (const [room, { liveStream, mediaStreams }] of rooms) {
      if (liveStream) this.#adoptLiveStream(room, liveStream);
      for (const record of mediaStreams) {
        this.deps.commands.adoptMediaStream(room, record).catch((error: unknown) => this.deps.warn({ room, err: error }, "an app's media stream did not go on on another egress node"));
      }
    }
  }

  #outputsOf(room: Room): RoomOutputs {
    const { egress } = room;
    const live = egress.live_streams.find((stream) => stream.status === 'starting' || stream.status === 'running');
    const withheld = this.deps.consents.withheld(room.name);
    return {
      broadcasts: this.deps.jobs.has(room.name),
      liveStream: live && { ...live, ...(egress.layout ? { layout: egress.layout } : {}) },
      mediaStreams: egress.media_streams.filter((stream) => stream.state !== 'STOPPED').map((stream) => mediaStreamRecord(stream, withheld)),
    };
  }

  #adoptLiveStream(room: string, record: StoredLiveStream): void {
    this.deps.commands.adoptLiveStream(room, record).catch((error: unknown) => {
      this.deps.warn({ room, err: error }, 'a live stream did not go on on another egress node');
      if (this.deps.sfu.rooms.has(room)) this.deps.failLiveStream(room, record);
    });
  }
}

/** A media stream as its room's state shows it, as the record a node starts it again from. */
function mediaStreamRecord(info: MediaStreamInfo, withheld: string[]): MediaStreamRecord {
  return {
    id: info.id,
    room: info.room,
    app: info.app,
    body: {
      app: info.app,
      ...(info.audio ? { audio: info.audio } : {}),
      ...(info.video ? { video: info.video } : {}),
      ...(info.transcript ? { transcript: true } : {}),
    },
    started_by: info.started_by,
    paused: info.state === 'PAUSED',
    paused_participants: withheld,
  };
}

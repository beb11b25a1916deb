import type { EgressCommands, StoredLiveStream } from '@roomcast/egress';
import type { LiveStreamInfo } from '@roomcast/protocol';
import type { Sfu } from '@roomcast/sfu';
import type { BroadcastJobs } from './BroadcastJobs.js';

export interface LostRoomOutputsDeps {
  sfu: Sfu;
  jobs: BroadcastJobs;
  /** The pool's commands: each places its room on a serving node. */
  commands: EgressCommands;
  serving: () => boolean;
  /** A live stream that could not go on elsewhere (the node that holds it refused, or none serves). */
  failLiveStream: (room: string, stream: LiveStreamInfo) => void;
  warn: (details: object, message: string) => void;
}

/**
 * What a lost egress node ran for its rooms, taken up on another node as soon as one serves
 * (issue 13, Deliver 4): their RTMP broadcasts (BroadcastJobs) and their live streams, which go on
 * under the same id and playback URL past a discontinuity (their segments were on the lost node).
 */
export class LostRoomOutputs {
  readonly #broadcasts = new Set<string>();
  readonly #liveStreams = new Map<string, StoredLiveStream>();

  constructor(readonly deps: LostRoomOutputsDeps) {
    deps.sfu.on('roomClosed', (room) => {
      this.#broadcasts.delete(room.name);
      this.#liveStreams.delete(room.name);
    });
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
      if (this.deps.jobs.has(name)) this.#broadcasts.add(name);
      const live = room.egress.live_streams.find((stream) => stream.status === 'starting' || stream.status === 'running');
      if (!live) continue;
      this.#liveStreams.set(name, { ...live, ...(room.egress.layout ? { layout: room.egress.layout } : {}) });
      moving.add(live.id);
    }
    return moving;
  }

  /** Asks a serving node for all of it (nothing when none serves yet: called again when one does). */
  resume(): void {
    if (!this.deps.serving()) return;
    const broadcasts = [...this.#broadcasts];
    this.#broadcasts.clear();
    if (broadcasts.length > 0) void this.deps.jobs.resume((room, error) => this.deps.warn({ room, err: error }, 'a broadcast did not resume on another egress node'), broadcasts);
    const liveStreams = [...this.#liveStreams];
    this.#liveStreams.clear();
    for (const [room, record] of liveStreams) {
      this.deps.commands.adoptLiveStream(room, record).catch((error: unknown) => {
        this.deps.warn({ room, err: error }, 'a live stream did not go on on another egress node');
        if (this.deps.sfu.rooms.has(room)) this.deps.failLiveStream(room, record);
      });
    }
  }
}

import { AppError } from '@roomcast/protocol';
import { type RoomDirectory, TypedEmitter } from '@roomcast/sfu';
import type { MirrorDirectory } from './MirrorDirectory.js';
import type { RoomMirror, SfuCalls } from './RoomMirror.js';

interface CombinedEvents extends Record<string, unknown[]> {
  roomCreated: [room: RoomMirror];
  roomClosed: [room: RoomMirror];
}

/**
 * The rooms of every SFU node connected to an egress node, as one RoomDirectory (room names are
 * unique across a cluster: RoomPlacement gives each one home). Each room knows its SFU, so what
 * the egress reports about it goes back there.
 */
export class CombinedDirectory extends TypedEmitter<CombinedEvents> implements RoomDirectory {
  readonly #parts = new Map<MirrorDirectory, SfuCalls>();
  /** Each SFU node's origin, as it said when it connected (where its rooms' pages and signaling are). */
  readonly #origins = new Map<MirrorDirectory, string>();

  get rooms(): ReadonlyMap<string, RoomMirror> {
    const all = new Map<string, RoomMirror>();
    for (const part of this.#parts.keys()) for (const [name, room] of part.rooms) all.set(name, room);
    return all;
  }

  room(name: string): RoomMirror {
    for (const part of this.#parts.keys()) {
      const room = part.rooms.get(name);
      if (room && !room.closed) return room;
    }
    throw new AppError('room_not_found', `no room ${name}`);
  }

  /** The SFU a room lives on, to tell its participants. */
  sfuFor(name: string): SfuCalls | undefined {
    for (const [part, sfu] of this.#parts) if (part.rooms.has(name)) return sfu;
    return undefined;
  }

  /** The origin of the SFU node the room lives on, if it said. */
  originFor(name: string): string | undefined {
    for (const [part, origin] of this.#origins) if (part.rooms.has(name)) return origin;
    return undefined;
  }

  /** Adds an SFU's rooms; the returned function removes them (their egress stops: the SFU is gone). */
  add(part: MirrorDirectory, sfu: SfuCalls, origin?: string): () => void {
    this.#parts.set(part, sfu);
    if (origin !== undefined) this.#origins.set(part, origin);
    const created = (room: RoomMirror): void => this.safeEmit('roomCreated', room);
    const closed = (room: RoomMirror): void => this.safeEmit('roomClosed', room);
    part.on('roomCreated', created);
    part.on('roomClosed', closed);
    for (const room of part.rooms.values()) this.safeEmit('roomCreated', room);
    return () => {
      part.closeAll();
      part.off('roomCreated', created);
      part.off('roomClosed', closed);
      this.#parts.delete(part);
      this.#origins.delete(part);
    };
  }
}

import { AppError } from '@roomcast/protocol';
import { type RoomCloseReason, type RoomDirectory, TypedEmitter } from '@roomcast/sfu';
import type { FeedEvent, RoomSnapshot } from './feedMessages.js';
import type { MirrorTap } from './MirrorTap.js';
import { RoomMirror, type SfuCalls } from './RoomMirror.js';

interface MirrorDirectoryEvents extends Record<string, unknown[]> {
  roomCreated: [room: RoomMirror];
  roomClosed: [room: RoomMirror];
}

/** The rooms of an SFU as an egress elsewhere sees them (RoomDirectory), kept by its FeedEvents. */
export class MirrorDirectory extends TypedEmitter<MirrorDirectoryEvents> implements RoomDirectory {
  readonly rooms = new Map<string, RoomMirror>();
  readonly #taps = new Map<string, MirrorTap>();

  constructor(readonly sfu: SfuCalls) {
    super();
  }

  room(name: string): RoomMirror {
    const room = this.rooms.get(name);
    if (!room || room.closed) throw new AppError('room_not_found', `no room ${name}`);
    return room;
  }

  /** Rooms as the SFU has them now (on connect): those it no longer has are closed here. */
  sync(snapshots: RoomSnapshot[]): void {
    const open = new Set(snapshots.map((s) => s.name));
    for (const room of [...this.rooms.values()]) {
      if (!open.has(room.name)) this.#close(room, 'server_shutdown');
    }
    for (const snapshot of snapshots) if (!this.rooms.has(snapshot.name)) this.#open(snapshot);
  }

  apply(event: FeedEvent): void {
    switch (event.type) {
      case 'roomOpened': {
        const existing = this.rooms.get(event.room.name);
        if (existing) this.#close(existing, 'server_shutdown');
        this.#open(event.room);
        return;
      }
      case 'tapClosed':
        this.#taps.get(event.tapId)?.closedBySfu();
        return;
      case 'roomClosed': {
        const room = this.rooms.get(event.room);
        if (room) this.#close(room, event.reason);
        return;
      }
      default:
        this.rooms.get(event.room)?.apply(event);
    }
  }

  /** The SFU is gone: every room closes (its egress stops), every tap is over. */
  closeAll(): void {
    for (const room of [...this.rooms.values()]) this.#close(room, 'server_shutdown');
    for (const tap of [...this.#taps.values()]) tap.closedBySfu();
  }

  #open(snapshot: RoomSnapshot): void {
    const room = new RoomMirror(snapshot, this.sfu, this.#taps);
    this.rooms.set(room.name, room);
    this.safeEmit('roomCreated', room);
  }

  #close(room: RoomMirror, reason: RoomCloseReason): void {
    this.rooms.delete(room.name);
    room.apply({ type: 'roomClosed', room: room.name, reason });
    this.safeEmit('roomClosed', room);
  }
}

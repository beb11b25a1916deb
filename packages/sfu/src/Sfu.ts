import type { RoomDirectory } from './RoomView.js';
import { randomBytes } from 'node:crypto';
import { AppError } from '@roomcast/protocol';
import type { ParticipantLimits } from './limits.js';
import { EmptyRoomCloser, type EmptyRoomPolicy } from './EmptyRoomCloser.js';
import { Room, type RoomCloseReason } from './Room.js';
import { RoomTombstones } from './RoomTombstones.js';
import type { WebRtcSettings } from './transports.js';
import { TypedEmitter } from './TypedEmitter.js';
import { WorkerPool, type WorkerPoolOptions } from './WorkerPool.js';

export interface SfuOptions {
  workers: WorkerPoolOptions;
  webRtc: WebRtcSettings;
  maxRooms: number;
  /** What one participant may hold at once; DEFAULT_PARTICIPANT_LIMITS when absent. */
  limits?: ParticipantLimits;
  /** SFU_CONSUMERS_PER_WORKER: past this many consumers a room's new subscribers go to another worker; 0/unset: never. */
  consumersPerWorker?: number;
  /** Sets up a new room before anyone can see it (its type and settings) unless its creator does. */
  configureRoom?: (room: Room) => void;
  /** Close rooms that stay empty; unset: rooms live until deleted. */
  emptyRooms?: EmptyRoomPolicy;
}

/** Why the SFU closed a room (kept as a name of its own for callers; the same as the room's reasons). */
export type SfuRoomCloseReason = RoomCloseReason;

/** A deleted room's name blocks auto-create this long, for at most this many names. */
const TOMBSTONE_TTL_MS = 24 * 3600_000;
const TOMBSTONE_MAX = 10_000;

export interface SfuEvents extends Record<string, unknown[]> {
  roomCreated: [room: Room];
  roomClosed: [room: Room, reason: SfuRoomCloseReason];
  workerDied: [pid: number, error: Error];
  /** Work a room started on its own failed (it is logged; the room goes on). */
  roomError: [room: Room, error: unknown, task: string];
}

/** The SFU: a worker pool and the rooms placed on it. */
export class Sfu extends TypedEmitter<SfuEvents> implements RoomDirectory {
  readonly rooms = new Map<string, Room>();
  /** Rooms being created, so two concurrent creates of one name cannot both succeed. */
  readonly #pending = new Map<string, Promise<Room>>();
  /** Names an admin deleted: auto-create must not bring them back. */
  readonly #tombstones = new RoomTombstones({ ttlMs: TOMBSTONE_TTL_MS, maxSize: TOMBSTONE_MAX });
  readonly #emptyRooms: EmptyRoomCloser | undefined;
  /** Rooms closed for emptiness, so `roomClosed` can say so (Room itself knows no such reason). */

  private constructor(
    readonly pool: WorkerPool,
    readonly options: SfuOptions,
  ) {
    super();
    pool.on('workerDied', (worker, error) => this.safeEmit('workerDied', worker.pid, error));
    if (options.emptyRooms) this.#emptyRooms = new EmptyRoomCloser(options.emptyRooms, (room) => this.#closeEmpty(room));
  }

  static async create(options: SfuOptions): Promise<Sfu> {
    return new Sfu(await WorkerPool.create(options.workers), options);
  }

  /**
   * Creates a room. An admin's create (the default) lifts a deletion's tombstone; an automatic
   * one (`autoCreate`: a participant token or the demo for an unknown room) is refused for a
   * room an admin deleted.
   */
  async createRoom(name: string = generateRoomName(), options: { autoCreate?: boolean; configure?: (room: Room) => void } = {}): Promise<Room> {
    if (this.rooms.has(name) || this.#pending.has(name)) throw new AppError('conflict', `room ${name} already exists`);
    if (options.autoCreate && this.#tombstones.has(name)) throw new AppError('room_not_found', `room ${name} was deleted`);
    if (this.rooms.size + this.#pending.size >= this.options.maxRooms) {
      throw new AppError('limit_exceeded', `this server hosts at most ${this.options.maxRooms} rooms`);
    }
    const creating = this.#open(name, options.configure ?? this.options.configureRoom);
    this.#pending.set(name, creating);
    try {
      const room = await creating;
      if (!options.autoCreate) this.#tombstones.clear(name);
      return room;
    } finally {
      this.#pending.delete(name);
    }
  }

  /**
   * The room of that name, created if it does not exist (participants joining an unknown room);
   * `configure` sets up one it creates (default: `configureRoom`).
   */
  async ensureRoom(name: string, configure?: (room: Room) => void): Promise<Room> {
    return this.rooms.get(name) ?? this.#pending.get(name) ?? this.createRoom(name, { autoCreate: true, configure });
  }

  /** An admin's delete: closes the room, and its name may not be auto-created again for a while. */
  deleteRoom(name: string): void {
    const room = this.room(name);
    this.#tombstones.add(name);
    room.close('deleted');
  }

  async #open(name: string, configure?: (room: Room) => void): Promise<Room> {
    const room = await Room.create(name, this.pool, this.options.webRtc, this.options.limits, this.options.consumersPerWorker);
    try {
      configure?.(room);
    } catch (error) {
      room.close('deleted');
      throw error;
    }
    room.on('backgroundError', (error, task) => this.safeEmit('roomError', room, error, task));
    this.rooms.set(name, room);
    room.once('closed', (reason) => {
      this.rooms.delete(name);
      this.safeEmit('roomClosed', room, reason);
    });
    this.#emptyRooms?.track(room);
    this.safeEmit('roomCreated', room);
    return room;
  }

  room(name: string): Room {
    const room = this.rooms.get(name);
    if (!room) throw new AppError('room_not_found', `no room named ${name}`);
    return room;
  }

  #closeEmpty(room: Room): void {
    room.close('empty');
  }

  close(): void {
    this.#emptyRooms?.close();
    for (const room of [...this.rooms.values()]) room.close('server_shutdown');
    this.pool.close();
    this.removeAllListeners();
  }
}

function generateRoomName(): string {
  return `room-${randomBytes(6).toString('hex')}`;
}

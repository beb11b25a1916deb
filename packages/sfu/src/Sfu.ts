import { randomBytes } from 'node:crypto';
import { AppError } from '@roomcast/protocol';
import { Room, type RoomCloseReason } from './Room.js';
import type { WebRtcSettings } from './transports.js';
import { TypedEmitter } from './TypedEmitter.js';
import { WorkerPool, type WorkerPoolOptions } from './WorkerPool.js';

export interface SfuOptions {
  workers: WorkerPoolOptions;
  webRtc: WebRtcSettings;
  maxRooms: number;
}

export interface SfuEvents extends Record<string, unknown[]> {
  roomCreated: [room: Room];
  roomClosed: [room: Room, reason: RoomCloseReason];
  workerDied: [pid: number, error: Error];
}

/** The SFU: a worker pool and the rooms placed on it. */
export class Sfu extends TypedEmitter<SfuEvents> {
  readonly rooms = new Map<string, Room>();
  /** Rooms being created, so two concurrent creates of one name cannot both succeed. */
  readonly #pending = new Map<string, Promise<Room>>();

  private constructor(
    readonly pool: WorkerPool,
    readonly options: SfuOptions,
  ) {
    super();
    pool.on('workerDied', (worker, error) => this.safeEmit('workerDied', worker.pid, error));
  }

  static async create(options: SfuOptions): Promise<Sfu> {
    return new Sfu(await WorkerPool.create(options.workers), options);
  }

  async createRoom(name: string = generateRoomName()): Promise<Room> {
    if (this.rooms.has(name) || this.#pending.has(name)) throw new AppError('conflict', `room ${name} already exists`);
    if (this.rooms.size + this.#pending.size >= this.options.maxRooms) {
      throw new AppError('limit_exceeded', `this server hosts at most ${this.options.maxRooms} rooms`);
    }
    const creating = this.#open(name);
    this.#pending.set(name, creating);
    try {
      return await creating;
    } finally {
      this.#pending.delete(name);
    }
  }

  /** The room of that name, created if it does not exist (participants joining an unknown room). */
  async ensureRoom(name: string): Promise<Room> {
    return this.rooms.get(name) ?? this.#pending.get(name) ?? this.createRoom(name);
  }

  async #open(name: string): Promise<Room> {
    const room = await Room.create(name, this.pool, this.options.webRtc);
    this.rooms.set(name, room);
    room.once('closed', (reason) => {
      this.rooms.delete(name);
      this.safeEmit('roomClosed', room, reason);
    });
    this.safeEmit('roomCreated', room);
    return room;
  }

  room(name: string): Room {
    const room = this.rooms.get(name);
    if (!room) throw new AppError('room_not_found', `no room named ${name}`);
    return room;
  }

  close(): void {
    for (const room of [...this.rooms.values()]) room.close('server_shutdown');
    this.pool.close();
    this.removeAllListeners();
  }
}

function generateRoomName(): string {
  return `room-${randomBytes(6).toString('hex')}`;
}

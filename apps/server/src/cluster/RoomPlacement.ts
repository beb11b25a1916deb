import { AppError } from '@roomcast/protocol';
import { TypedEmitter } from '@roomcast/sfu';
import type { Redis } from 'ioredis';
import type { NodeRegistry } from './NodeRegistry.js';

/**
 * Claims a room for ARGV[1] unless a live node owns it: free, already ours, or owned by a node whose
 * registry key expired (it was lost). One script, so two nodes never both win.
 * KEYS: the room key; ARGV: me, ttl ms, node key prefix. Returns the owner after the call.
 */
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if current == false or current == ARGV[1] or redis.call('EXISTS', ARGV[3] .. current) == 0 then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return ARGV[1]
end
return current`;

/** Deletes the room key only if we own it. KEYS: the room key; ARGV: me. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * On each heartbeat: extends our rooms' keys, sets those that vanished (Redis restarted without
 * them), and reports those another node took meanwhile. KEYS: room keys; ARGV: me, ttl ms.
 * Returns index, owner, index, owner… of the rooms now owned by someone else.
 */
const REFRESH = `
local taken = {}
for i, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  if current == false then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
  elseif current == ARGV[1] then
    redis.call('PEXPIRE', key, ARGV[2])
  else
    table.insert(taken, i)
    table.insert(taken, current)
  end
end
return taken`;

export type RoomPlacementEvents = {
  /** A room this node owned is now another node's (it took the room while our heartbeats did not reach Redis). */
  roomLost: [room: string, owner: string];
};

/**
 * Room name → owning SFU node (`<prefix>:room:<name>`), held with the registry's TTL and refreshed
 * by its heartbeat, so a node that dies lets go of its rooms with its registry entry. Every
 * operation needs Redis: while it is away they throw `cluster_unavailable` (503).
 */
export class RoomPlacement extends TypedEmitter<RoomPlacementEvents> {
  readonly #registry: NodeRegistry;
  readonly #redis: Redis;
  readonly #owned = new Set<string>();
  /** Claims under way, so a release during one wins over the claim's late answer. */
  readonly #claiming = new Map<string, symbol>();
  readonly #onHeartbeat = (): void => this.#refresh();
  #refreshing = false;
  #closed = false;

  constructor(registry: NodeRegistry, redis: Redis) {
    super();
    this.#registry = registry;
    this.#redis = redis;
    registry.on('heartbeat', this.#onHeartbeat);
  }

  /** Rooms this node owns, as far as it knows. */
  get rooms(): ReadonlySet<string> {
    return this.#owned;
  }

  /** Takes the room if no live node owns it; returns its owner (this node's id when it won). */
  async claim(room: string): Promise<string> {
    const token = Symbol(room);
    this.#claiming.set(room, token);
    try {
      const owner = await this.#call(() => this.#redis.eval(CLAIM, 1, this.#key(room), this.#registry.id, this.#registry.ttlMs, this.#registry.nodeKey('')));
      const won = owner === this.#registry.id;
      // Released or closed while Redis answered: the release (sent after) already deleted the key.
      if (won && this.#claiming.get(room) === token && !this.#closed) this.#owned.add(room);
      return String(owner);
    } finally {
      if (this.#claiming.get(room) === token) this.#claiming.delete(room);
    }
  }

  /** Lets go of the room (only if this node owns it). */
  async release(room: string): Promise<void> {
    this.#owned.delete(room);
    this.#claiming.delete(room);
    await this.#call(() => this.#redis.eval(RELEASE, 1, this.#key(room), this.#registry.id));
  }

  /** The node owning the room now, or undefined when nobody does. */
  async owner(room: string): Promise<string | undefined> {
    const owner = await this.#call(() => this.#redis.get(this.#key(room)));
    return owner ?? undefined;
  }

  /** Stops refreshing and releases every room this node owns (best effort: their keys expire anyway). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#registry.off('heartbeat', this.#onHeartbeat);
    const rooms = [...this.#owned];
    this.#owned.clear();
    if (this.#redis.status !== 'ready') return;
    await Promise.all(rooms.map((room) => this.#redis.eval(RELEASE, 1, this.#key(room), this.#registry.id).catch(() => undefined)));
  }

  #key(room: string): string {
    return `${this.#registry.prefix}:room:${room}`;
  }

  async #call<T>(operation: () => Promise<T>): Promise<T> {
    this.#registry.assertAvailable();
    try {
      return await operation();
    } catch (error) {
      throw new AppError('cluster_unavailable', 'the cluster registry (Redis) did not answer; try again shortly', { cause: error });
    }
  }

  /** Owned by the heartbeat listener: a failure waits for the next beat, nothing is thrown. */
  #refresh(): void {
    if (this.#refreshing || this.#closed || this.#owned.size === 0) return;
    this.#refreshing = true;
    const rooms = [...this.#owned];
    this.#redis
      .eval(REFRESH, rooms.length, ...rooms.map((room) => this.#key(room)), this.#registry.id, this.#registry.ttlMs)
      .then((taken) => this.#dropTaken(rooms, taken as Array<number | string>))
      .catch(() => undefined)
      .finally(() => {
        this.#refreshing = false;
      });
  }

  #dropTaken(rooms: string[], taken: Array<number | string>): void {
    if (this.#closed) return;
    for (let i = 0; i + 1 < taken.length; i += 2) {
      const room = rooms[Number(taken[i]) - 1];
      // Released while Redis answered: not ours to report.
      if (room === undefined || !this.#owned.delete(room)) continue;
      this.safeEmit('roomLost', room, String(taken[i + 1]));
    }
  }
}

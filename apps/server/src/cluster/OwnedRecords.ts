import type { Redis } from 'ioredis';

/**
 * Removes a record only if this node wrote it last: a node that lost a room (cut off, then closing
 * it) must not remove what the room's new home took over. KEYS: the record; ARGV: this node.
 */
const DELETE_IF_MINE = `
if redis.call('HGET', KEYS[1], 'home') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** How often a home says its rooms' records are still its own (records live minutes). */
const REFRESH_MS = 60_000;

/**
 * Per-room records an SFU node keeps in Redis so that the room's next home can take them over when
 * the node dies (`<prefix>:<kind>:<room>`, a hash: `home` the node that wrote it last, `value`).
 * The home refreshes them; a record outlives its dead home by `ttlMs`, then expires.
 */
export class OwnedRecords {
  constructor(
    readonly redis: Redis,
    /** This node's id (NODE_ID). */
    readonly nodeId: string,
    readonly kind: string,
    readonly ttlMs: number,
    readonly prefix = 'roomcast',
  ) {}

  keyOf(room: string): string {
    return `${this.prefix}:${this.kind}:${room}`;
  }

  /** Writes the room's record as this node's. */
  async put(room: string, value: string): Promise<void> {
    const key = this.keyOf(room);
    await this.redis.multi().hset(key, { home: this.nodeId, value }).pexpire(key, this.ttlMs).exec();
  }

  async get(room: string): Promise<string | undefined> {
    return (await this.redis.hget(this.keyOf(room), 'value')) ?? undefined;
  }

  /** Removes the room's record if this node wrote it last. */
  async remove(room: string): Promise<void> {
    await this.redis.eval(DELETE_IF_MINE, 1, this.keyOf(room), this.nodeId);
  }

  /** The rooms whose records `nodeId` wrote last (a lost node's, for another to take over). */
  async roomsOf(nodeId: string): Promise<string[]> {
    const prefix = this.keyOf('');
    const rooms: string[] = [];
    for await (const keys of this.redis.scanStream({ match: `${prefix}*`, count: 200 }) as AsyncIterable<string[]>) {
      if (keys.length === 0) continue;
      const homes = await Promise.all(keys.map((key) => this.redis.hget(key, 'home')));
      keys.forEach((key, i) => {
        if (homes[i] === nodeId) rooms.push(key.slice(prefix.length));
      });
    }
    return rooms;
  }

  /**
   * Refreshes the records of `rooms()` every `everyMs` (well inside the TTL) until the returned
   * function is called; a refresh that fails goes to `onError` (the next one tries again).
   */
  keepFresh(rooms: () => string[], onError: (error: unknown) => void, everyMs = REFRESH_MS): () => void {
    const timer = setInterval(() => void this.refresh(rooms()).catch(onError), everyMs);
    return () => clearInterval(timer);
  }

  /** Keeps these rooms' records from expiring while this node lives. */
  async refresh(rooms: string[]): Promise<void> {
    if (rooms.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const room of rooms) pipeline.pexpire(this.keyOf(room), this.ttlMs);
    await pipeline.exec();
  }
}

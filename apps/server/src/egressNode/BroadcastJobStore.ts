import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CompactEncrypt, compactDecrypt } from 'jose';
import type { Layout, LiveStreamActor, StartRtmpBroadcastsBody } from '@roomcast/protocol';

export type BroadcastDestination = StartRtmpBroadcastsBody['broadcasts'][number];

/** A room's RTMP broadcasts as kept outside the SFU's memory: enough to ask an egress for them again. */
export interface StoredBroadcastJob {
  quality: StartRtmpBroadcastsBody['quality'];
  layout: Layout | undefined;
  destinations: Array<{ destination: BroadcastDestination; by: LiveStreamActor }>;
}

/** Where BroadcastJobs keeps its rooms' jobs so another SFU node can take them over. */
export interface BroadcastJobStore {
  /** Writes the room's job (undefined: removes it). */
  save(room: string, job: StoredBroadcastJob | undefined): Promise<void>;
  load(room: string): Promise<StoredBroadcastJob | undefined>;
  /** Keeps these rooms' jobs from expiring while their home lives. */
  refresh(rooms: string[]): Promise<void>;
}

/** A job outlives its SFU node this long: participants who reconnect to another node within it get their broadcasts back. */
export const STORED_JOB_TTL_MS = 5 * 60_000;

/**
 * Removes a room's job only if this node wrote it last: a node that lost its room (cut off, then
 * closing it) must not remove what the room's new home adopted. KEYS: the job; ARGV: this node.
 */
const DELETE_IF_MINE = `
if redis.call('HGET', KEYS[1], 'home') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * The broadcasts in Redis (`<prefix>:broadcasts:<room>`, a hash: `home` the node that wrote it,
 * `job` the job), when REDIS_URL is set on an SFU node. Jobs hold stream keys, so `job` is a JWE
 * (jose, `dir` + A256GCM: encrypted and authenticated) under a key derived from the API secret for
 * this one purpose: Redis, its backups and anyone reading them see no stream key, and a value
 * changed there fails to decrypt. A job expires STORED_JOB_TTL_MS after its home stopped
 * refreshing it.
 */
export class RedisBroadcastJobStore implements BroadcastJobStore {
  readonly #key: Uint8Array;

  constructor(
    readonly redis: Redis,
    apiSecret: string,
    /** This SFU node's id (NODE_ID). */
    readonly nodeId: string,
    readonly prefix = 'roomcast',
  ) {
    this.#key = createHmac('sha256', apiSecret).update('roomcast broadcast jobs v1').digest();
  }

  keyOf(room: string): string {
    return `${this.prefix}:broadcasts:${room}`;
  }

  async save(room: string, job: StoredBroadcastJob | undefined): Promise<void> {
    const key = this.keyOf(room);
    if (!job) {
      await this.redis.eval(DELETE_IF_MINE, 1, key, this.nodeId);
      return;
    }
    const sealed = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(job)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(this.#key);
    await this.redis.multi().hset(key, { home: this.nodeId, job: sealed }).pexpire(key, STORED_JOB_TTL_MS).exec();
  }

  async load(room: string): Promise<StoredBroadcastJob | undefined> {
    const sealed = await this.redis.hget(this.keyOf(room), 'job');
    if (!sealed) return undefined;
    // A value that fails to decrypt (another cluster's secret, or tampered with) is no job.
    const opened = await compactDecrypt(sealed, this.#key).catch(() => undefined);
    if (!opened) return undefined;
    return JSON.parse(new TextDecoder().decode(opened.plaintext)) as StoredBroadcastJob;
  }

  async refresh(rooms: string[]): Promise<void> {
    if (rooms.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const room of rooms) pipeline.pexpire(this.keyOf(room), STORED_JOB_TTL_MS);
    await pipeline.exec();
  }
}

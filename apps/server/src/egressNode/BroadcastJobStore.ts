import { createHmac } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CompactEncrypt, compactDecrypt } from 'jose';
import type { Layout, LiveStreamActor, StartRtmpBroadcastsBody } from '@roomcast/protocol';
import { OwnedRecords } from '../cluster/OwnedRecords.js';

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
 * The broadcasts in Redis (`<prefix>:broadcasts:<room>`, an OwnedRecords record), when REDIS_URL
 * is set on an SFU node. Jobs hold stream keys, so each is a JWE (jose, `dir` + A256GCM: encrypted
 * and authenticated) under a key derived from the API secret for this one purpose: Redis, its
 * backups and anyone reading them see no stream key, and a value changed there fails to decrypt.
 * A job expires STORED_JOB_TTL_MS after its home stopped refreshing it.
 */
export class RedisBroadcastJobStore implements BroadcastJobStore {
  readonly #key: Uint8Array;
  readonly records: OwnedRecords;

  constructor(redis: Redis, apiSecret: string, nodeId: string, prefix = 'roomcast') {
    this.#key = createHmac('sha256', apiSecret).update('roomcast broadcast jobs v1').digest();
    this.records = new OwnedRecords(redis, nodeId, 'broadcasts', STORED_JOB_TTL_MS, prefix);
  }

  async save(room: string, job: StoredBroadcastJob | undefined): Promise<void> {
    if (!job) return this.records.remove(room);
    const sealed = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(job)))
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(this.#key);
    await this.records.put(room, sealed);
  }

  async load(room: string): Promise<StoredBroadcastJob | undefined> {
    const sealed = await this.records.get(room);
    if (!sealed) return undefined;
    // A value that fails to decrypt (another cluster's secret, or tampered with) is no job.
    const opened = await compactDecrypt(sealed, this.#key).catch(() => undefined);
    if (!opened) return undefined;
    return JSON.parse(new TextDecoder().decode(opened.plaintext)) as StoredBroadcastJob;
  }

  refresh(rooms: string[]): Promise<void> {
    return this.records.refresh(rooms);
  }

  /** Refreshes the jobs of `rooms()` while this node lives; returns what stops it. */
  keepFresh(rooms: () => string[], onError: (error: unknown) => void): () => void {
    return this.records.keepFresh(rooms, onError);
  }

  /** Rooms with broadcasts that `nodeId` kept last (a lost SFU node's). */
  roomsOf(nodeId: string): Promise<string[]> {
    return this.records.roomsOf(nodeId);
  }
}

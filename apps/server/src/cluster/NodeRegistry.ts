import type { Redis } from 'ioredis';
import { AppError, type NodeRole } from '@roomcast/protocol';
import { TypedEmitter } from '@roomcast/sfu';
import { systemCpuSampler } from './cpuSampler.js';
import { defaultCores, type NodeInfo, parseNodeInfo, pickEgressNode } from './nodeInfo.js';

/**
 * Every live node's JSON, in one atomic step; ids whose key expired (the node stopped heart-beating)
 * leave the set here, so nobody has to SCAN the keyspace.
 * KEYS: the id set; ARGV: the node key prefix. Returns the JSON of each live node.
 */
const LIVE_NODES = `
local live = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local info = redis.call('GET', ARGV[1] .. id)
  if info then table.insert(live, info) else redis.call('SREM', KEYS[1], id) end
end
return live`;

export type NodeRegistryEvents = {
  /** Another node appeared (or came back after it was lost). */
  nodeJoined: [node: NodeInfo];
  /** Another node's key expired: it stopped heart-beating (crashed, cut off, or closed). */
  nodeLost: [node: NodeInfo];
  /** A heartbeat Redis took: the first registration, each refresh, the re-registration after an outage. */
  heartbeat: [];
  /** `available` changed: Redis answered a heartbeat again, or stopped answering. */
  availability: [available: boolean];
};

export interface NodeRegistryOptions {
  redis: Redis;
  id: string;
  role: NodeRole;
  /** How other nodes reach this node's REST API. */
  internalUrl: string;
  /** What this node carries now, read at each heartbeat. */
  load: () => { rooms: number; composites: number };
  /** Busy cores now (0..cores); default: machine-wide, from /proc/stat. */
  cpu?: () => number;
  cores?: number;
  /** Key prefix shared by the cluster's nodes; default `roomcast`. */
  prefix?: string;
  heartbeatMs?: number;
  /** A node that missed heart-beating this long is gone (lost within ttl + one poll). */
  ttlMs?: number;
}

/**
 * This node's entry in Redis (`<prefix>:node:<id>`, refreshed every second with a 3 s TTL) and the
 * live view of the others, polled on the same beat and diffed into `nodeJoined` / `nodeLost`.
 * Redis may go away at any time: the beat then does nothing but wait, `available` turns false,
 * operations that need Redis throw `cluster_unavailable`, and the node registers again as soon as
 * the client is ready. No promise here is left without an owner that catches.
 */
export class NodeRegistry extends TypedEmitter<NodeRegistryEvents> {
  readonly id: string;
  readonly role: NodeRole;
  readonly prefix: string;
  readonly ttlMs: number;
  readonly #options: NodeRegistryOptions;
  readonly #startedAt = new Date().toISOString();
  readonly #cpu: () => number;
  readonly #cores: number;
  readonly #timer: NodeJS.Timeout;
  readonly #onReady = (): void => this.beat();
  readonly #onClose = (): void => this.#setAvailable(false);
  #view = new Map<string, NodeInfo>();
  #beating: Promise<void> | undefined;
  #available = false;
  #lossGraceUntil = 0;
  #registeredOnce = false;
  #stopped = false;

  /** How other nodes reach this node's REST API (its registry entry's `internal_url`). */
  get internalUrl(): string {
    return this.#options.internalUrl;
  }

  constructor(options: NodeRegistryOptions) {
    super();
    this.#options = options;
    this.id = options.id;
    this.role = options.role;
    this.prefix = options.prefix ?? 'roomcast';
    this.ttlMs = options.ttlMs ?? 3000;
    this.#cores = options.cores ?? defaultCores();
    this.#cpu = options.cpu ?? systemCpuSampler(this.#cores);
    this.#timer = setInterval(() => this.beat(), options.heartbeatMs ?? 1000);
    // Back from an outage: register now rather than at the next beat. Gone: unavailable now, not at the next beat.
    options.redis.on('ready', this.#onReady);
    options.redis.on('close', this.#onClose);
    this.beat();
  }

  /** True while Redis answers this node's heartbeats. */
  get available(): boolean {
    return this.#available && this.#options.redis.status === 'ready';
  }

  nodeKey(id: string): string {
    return `${this.prefix}:node:${id}`;
  }

  /** Live nodes as of the last beat (this one included), optionally of one role; while Redis is away, as last seen. */
  nodes(role?: NodeRole): NodeInfo[] {
    return [...this.#view.values()].filter((node) => role === undefined || node.role === role);
  }

  /** Where a new egress job goes: the live `egress` or `all` node with the most headroom (see pickEgressNode). */
  pickEgressNode(among?: ReadonlySet<string>, pending?: ReadonlyMap<string, number>): NodeInfo {
    this.assertAvailable();
    const nodes = [...this.#view.values()].filter((node) => among === undefined || among.has(node.id));
    return pickEgressNode(nodes, pending);
  }

  /** Throws the coded 503 that operations needing Redis answer while it is away. */
  assertAvailable(): void {
    if (!this.available) throw new AppError('cluster_unavailable', 'the cluster registry (Redis) is unreachable; try again shortly');
  }

  /** Registers (again) and refreshes the view now; a beat already under way is not doubled. */
  beat(): void {
    if (this.#stopped || this.#beating) return;
    this.#beating = this.#beat()
      .catch(() => this.#setAvailable(false))
      .finally(() => {
        this.#beating = undefined;
      });
  }

  /**
   * Stops heart-beating and, unless `deregister` is false, removes this node's key so the others
   * see it leave at once. `deregister: false` leaves the key to expire, as a crash would.
   */
  async close({ deregister = true }: { deregister?: boolean } = {}): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#options.redis.off('ready', this.#onReady);
    this.#options.redis.off('close', this.#onClose);
    await this.#beating;
    if (!deregister || this.#options.redis.status !== 'ready') return;
    await this.#options.redis
      .multi()
      .del(this.nodeKey(this.id))
      .srem(this.#setKey, this.id)
      .exec()
      .catch(() => undefined);
  }

  get #setKey(): string {
    return `${this.prefix}:nodes`;
  }

  async #beat(): Promise<void> {
    const redis = this.#options.redis;
    if (redis.status !== 'ready') return this.#setAvailable(false);
    try {
      const info = this.#info();
      const results = await redis.multi().set(this.nodeKey(this.id), JSON.stringify(info), 'PX', this.ttlMs).sadd(this.#setKey, this.id).exec();
      if (!results || results.some(([error]) => error !== null)) throw new Error('heartbeat refused');
      const live = (await redis.eval(LIVE_NODES, 1, this.#setKey, this.nodeKey(''))) as string[];
      // Closed while Redis answered: the view and the events are no longer ours to update.
      if (this.#stopped) return;
      this.#setAvailable(true);
      this.#update(live);
      this.safeEmit('heartbeat');
    } catch {
      // Redis went away mid-beat (or refused): the 'ready' listener brings the next attempt.
      this.#setAvailable(false);
    }
  }

  #info(): NodeInfo {
    const { rooms, composites } = this.#options.load();
    const cpu = Math.round(this.#cpu() * 100) / 100;
    return {
      id: this.id,
      role: this.role,
      internal_url: this.#options.internalUrl,
      started_at: this.#startedAt,
      load: { cpu, cores: this.#cores, rooms, composites },
    };
  }

  #setAvailable(available: boolean): void {
    if (available === this.#available) return;
    this.#available = available;
    // After an outage the others need up to one reconnect backoff (3 s) and a beat to register
    // again: missing from the first polls is not lost yet (no spurious failover of their rooms and jobs).
    if (available && this.#registeredOnce) this.#lossGraceUntil = Date.now() + 2 * this.ttlMs + (this.#options.heartbeatMs ?? 1000);
    if (available) this.#registeredOnce = true;
    this.safeEmit('availability', available);
  }

  /** Diffs the live nodes against the last view: joined, lost (after the grace that follows an outage). */
  #update(live: string[]): void {
    const next = new Map<string, NodeInfo>();
    for (const raw of live) {
      const node = parseNodeInfo(raw);
      if (node) next.set(node.id, node);
    }
    const graced = Date.now() < this.#lossGraceUntil;
    const lost: NodeInfo[] = [];
    for (const [id, node] of this.#view) {
      if (next.has(id)) continue;
      if (graced) next.set(id, node);
      else lost.push(node);
    }
    const joined = [...next.values()].filter((node) => !this.#view.has(node.id));
    this.#view = next;
    for (const node of joined) if (node.id !== this.id) this.safeEmit('nodeJoined', node);
    for (const node of lost) if (node.id !== this.id) this.safeEmit('nodeLost', node);
  }
}

import type { FastifyBaseLogger } from 'fastify';
import type { EgressCommands } from '@roomcast/egress';
import { AppError, type EgressState } from '@roomcast/protocol';
import type { Sfu } from '@roomcast/sfu';
import type { NodeRegistry } from '../cluster/NodeRegistry.js';
import type { EgressNotifier } from '../events.js';
import { EgressLink, WAIT_FOR_RESTART_MS } from './EgressLink.js';
import type { EgressTarget } from './forwardToEgress.js';
import { internalToken } from './internalAuth.js';
import { nodeConnector } from './nodeConnector.js';
import { INTERNAL_OUTPUTS_PATH } from './startEgressRole.js';

/** Commands that start a job: a room without an egress node gets one (placement) before them. */
const STARTS = new Set<keyof EgressCommands>(['startBroadcasts', 'startLiveStream', 'startMediaStream', 'adoptLiveStream', 'adoptMediaStream']);
/** A placement counts as pending on its node until its heartbeats can show the composite. */
const PENDING_MS = 3_000;
/** Output ids remembered with their node (live streams, media streams, recordings); the oldest go first. */
const MAX_KNOWN_OUTPUTS = 10_000;

const unavailable = (): AppError => new AppError('service_unavailable', 'no egress node serves now; try again in a few seconds');

export interface EgressPoolOptions {
  sfu: Sfu;
  registry: () => NodeRegistry | undefined;
  apiSecret: string;
  notify: EgressNotifier;
  log: () => FastifyBaseLogger;
  /** An egress node was lost (or left the registry): these rooms ran there and have no node now. */
  onRoomsLost: (rooms: string[], nodeId: string) => void;
  /** Some node serves (again): jobs left without a node may be placed now. */
  onServing: () => void;
}

/**
 * ROOMCAST_ROLE=sfu (issue 13, Deliver 4): a link to every egress node in the registry, each
 * carrying the feed of every room, and a home per room — the node with the most headroom when the
 * room's first job starts (a room is composited once, so its outputs share one node). Commands and
 * forwarded requests go to the room's home; requests by id to the node that holds the id (learned
 * from the states it sends, else asked of each). A node lost takes its rooms' homes with it: the
 * caller re-places their jobs. Homes live as long as the room and its node.
 */
export class EgressPool {
  readonly #links = new Map<string, EgressLink>();
  readonly #homes = new Map<string, string>();
  readonly #placedAt = new Map<string, number[]>();
  readonly #outputs = new Map<string, string>();
  readonly #asking = new Map<string, Promise<string | undefined>>();
  readonly #servingWaiters = new Set<() => void>();
  #registry: NodeRegistry | undefined;
  #closed = false;
  readonly #sync = (): void => this.#syncWithRegistry();
  readonly #authorization: string;

  constructor(readonly options: EgressPoolOptions) {
    this.#authorization = `Bearer ${internalToken(options.apiSecret)}`;
    options.sfu.on('roomClosed', (room) => this.#homes.delete(room.name));
  }

  /** Follows the registry from now on (it exists once the server listens). */
  start(): void {
    this.#registry = this.options.registry();
    this.#registry?.on('heartbeat', this.#sync);
    this.#syncWithRegistry();
  }

  /** The egress node a room's outputs run on, if it has one. */
  homeOf(room: string): string | undefined {
    return this.#homes.get(room);
  }

  /** Egress nodes linked now, serving or (re)connecting. */
  get nodeIds(): string[] {
    return [...this.#links.keys()];
  }

  get serving(): boolean {
    return [...this.#links.values()].some((link) => link.upstream() !== undefined);
  }

  /** Every serving node's base URL (lists that span nodes are merged from each). */
  everyUpstream(): string[] {
    return [...this.#links.values()].flatMap((link) => link.upstream() ?? []);
  }

  /** Resolves once some node serves; rejects (503) past `timeoutMs`. */
  ready(timeoutMs: number): Promise<void> {
    if (this.serving) return Promise.resolve();
    if (this.#closed) return Promise.reject(unavailable());
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#servingWaiters.delete(done);
        reject(unavailable());
      }, timeoutMs);
      this.#servingWaiters.add(done);
    });
  }

  /** Each command goes to its room's node; a start places a room that has none. */
  readonly commands: EgressCommands = new Proxy({} as EgressCommands, {
    get: (_target, name: keyof EgressCommands) => async (room: string, ...rest: unknown[]) => {
      const link = await this.#linkForRoom(room, STARTS.has(name));
      return (link.commands[name] as (...a: unknown[]) => Promise<unknown>)(room, ...rest);
    },
  });

  /** The base URL that answers a forwarded request (waits a little for a node to serve). */
  async upstreamFor(target: EgressTarget): Promise<string | undefined> {
    const link = target.room !== undefined
      ? await this.#linkForRoom(target.room, target.starts ?? false)
      : target.id !== undefined
        ? await this.#linkForOutput(target.id)
        : await this.#anyServing();
    if (!link.upstream()) await link.ready(WAIT_FOR_RESTART_MS).catch(() => undefined);
    return link.upstream();
  }

  async close(graceMs = 8_000): Promise<void> {
    this.#closed = true;
    this.#registry?.off('heartbeat', this.#sync);
    for (const waiter of [...this.#servingWaiters]) waiter();
    await Promise.all([...this.#links.values()].map((link) => link.close(graceMs)));
    this.#links.clear();
  }

  async #linkForRoom(room: string, place: boolean): Promise<EgressLink> {
    const home = this.#homeLink(room);
    if (home) return home;
    if (!place) return this.#anyServing();
    await this.ready(WAIT_FOR_RESTART_MS);
    // Placed by a concurrent start meanwhile: the same node, so the room is composited once.
    const placed = this.#homeLink(room);
    if (placed) return placed;
    const registry = this.options.registry();
    if (!registry) throw new AppError('cluster_unavailable', 'the cluster registry is not running');
    const serving = new Set([...this.#links].filter(([, link]) => link.upstream() !== undefined).map(([id]) => id));
    const node = registry.pickEgressNode(serving, this.#pending());
    this.#homes.set(room, node.id);
    this.#placedAt.set(node.id, [...(this.#placedAt.get(node.id) ?? []), Date.now()]);
    this.options.log().info({ room, egressNode: node.id }, 'room placed on an egress node');
    return this.#links.get(node.id)!;
  }

  #homeLink(room: string): EgressLink | undefined {
    const home = this.#homes.get(room);
    return home === undefined ? undefined : this.#links.get(home);
  }

  async #anyServing(): Promise<EgressLink> {
    await this.ready(WAIT_FOR_RESTART_MS);
    const link = [...this.#links.values()].find((candidate) => candidate.upstream() !== undefined);
    if (!link) throw unavailable();
    return link;
  }

  /** The node holding a live stream, media stream or recording: known, else asked of every serving node. */
  async #linkForOutput(id: string): Promise<EgressLink> {
    const known = this.#outputs.get(id);
    const link = known === undefined ? undefined : this.#links.get(known);
    if (link) return link;
    // Viewers arriving together (after a failover) ask once.
    let asking = this.#asking.get(id);
    if (!asking) {
      asking = this.#ask(id).finally(() => this.#asking.delete(id));
      this.#asking.set(id, asking);
    }
    const holder = await asking;
    if (holder && this.#links.has(holder)) {
      this.#remember(id, holder);
      return this.#links.get(holder)!;
    }
    // Nobody holds it: any node answers (its 404, in the API's own words).
    return this.#anyServing();
  }

  async #ask(id: string): Promise<string | undefined> {
    const authorization = this.#authorization;
    const answers = await Promise.all([...this.#links].map(async ([nodeId, link]) => {
      const base = link.upstream();
      if (!base) return undefined;
      const response = await fetch(`${base}${INTERNAL_OUTPUTS_PATH}/${encodeURIComponent(id)}`, {
        headers: { authorization },
        signal: AbortSignal.timeout(2_000),
      }).catch(() => undefined);
      return response?.status === 204 ? nodeId : undefined;
    }));
    return answers.find((nodeId) => nodeId !== undefined);
  }

  #remember(id: string, nodeId: string): void {
    this.#outputs.delete(id);
    this.#outputs.set(id, nodeId);
    if (this.#outputs.size > MAX_KNOWN_OUTPUTS) this.#outputs.delete(this.#outputs.keys().next().value as string);
  }

  #pending(): Map<string, number> {
    const since = Date.now() - PENDING_MS;
    const pending = new Map<string, number>();
    for (const [nodeId, times] of this.#placedAt) {
      const recent = times.filter((at) => at > since);
      if (recent.length === 0) this.#placedAt.delete(nodeId);
      else {
        this.#placedAt.set(nodeId, recent);
        pending.set(nodeId, recent.length);
      }
    }
    return pending;
  }

  /** A link per egress node in the registry: new nodes are linked, departed ones let go (their rooms re-placed). */
  #syncWithRegistry(): void {
    if (this.#closed || !this.#registry) return;
    const live = new Set(this.#registry.nodes('egress').map((node) => node.id));
    for (const nodeId of live) if (!this.#links.has(nodeId)) this.#link(nodeId);
    for (const [nodeId, link] of this.#links) {
      if (live.has(nodeId)) continue;
      this.#links.delete(nodeId);
      this.#nodeLost(nodeId);
      link.close(0).catch((error: unknown) => this.options.log().warn({ err: error, egressNode: nodeId }, 'a link to a departed egress node did not close cleanly'));
    }
  }

  #link(nodeId: string): void {
    const link = new EgressLink({
      sfu: this.options.sfu,
      connect: nodeConnector({ registry: this.options.registry, apiSecret: this.options.apiSecret, nodeId }),
      notify: this.#notifyFrom(nodeId),
      log: this.options.log,
      lenientStart: true,
      onLost: () => this.#nodeLost(nodeId),
      onServing: () => {
        for (const waiter of [...this.#servingWaiters]) waiter();
        this.#servingWaiters.clear();
        this.options.onServing();
      },
    });
    this.#links.set(nodeId, link);
    // Lenient: it keeps reaching the node in the background, and never rejects.
    link.start().catch(() => undefined);
  }

  /** Only a room's home speaks for its egress; the ids in what it says are remembered as its. */
  #notifyFrom(nodeId: string): EgressNotifier {
    const { notify } = this.options;
    return {
      state: (room, state) => {
        if (this.#homes.get(room) !== nodeId) return;
        for (const id of outputIds(state)) this.#remember(id, nodeId);
        notify.state(room, state);
      },
      event: (room, type, data) => {
        if (this.#homes.get(room) === nodeId) notify.event(room, type, data);
      },
    };
  }

  #nodeLost(nodeId: string): void {
    const rooms = [...this.#homes].filter(([, home]) => home === nodeId).map(([room]) => room);
    for (const room of rooms) this.#homes.delete(room);
    for (const [id, holder] of [...this.#outputs]) if (holder === nodeId) this.#outputs.delete(id);
    this.#placedAt.delete(nodeId);
    if (rooms.length > 0) this.options.onRoomsLost(rooms, nodeId);
  }
}

function outputIds(state: EgressState): string[] {
  return [...state.live_streams.map((stream) => stream.id), ...state.media_streams.map((stream) => stream.id)];
}

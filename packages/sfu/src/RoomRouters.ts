import type { types as ms } from 'mediasoup';
import type { WorkerPool } from './WorkerPool.js';

export interface RoomRoutersOptions {
  /**
   * Consumers a router of the room takes before new subscribers' receive transports go to a router
   * of the room on another worker (SFU_CONSUMERS_PER_WORKER); 0: the room never spreads.
   */
  consumersPerWorker: number;
  mediaCodecs: ms.RtpCodecCapability[];
  /** A pipe failed while the room still needed it: for the log, never a crash. */
  onError: (error: unknown) => void;
  /** A spread router closed by itself (its worker died): its subscribers have lost their media. */
  onRouterLost: () => void;
}

interface SpreadRouter {
  router: ms.Router;
  /** Producer id → its pipe into this router (pending or done). */
  pipes: Map<string, Promise<void>>;
}

/**
 * The routers of one room. Every producer lives on the main router (send transports and egress
 * taps stay there); once the main router's consumers pass the threshold, new receive transports
 * go to routers of the room on other workers, and every producer is piped into them with
 * `pipeToRouter` (the pipe producer keeps the producer's id, so consumers name it as usual).
 * Closing a producer closes its pipes in mediasoup's cascade; closing the room closes them all.
 * Below the threshold nothing here runs: a normal room costs one counter.
 */
export class RoomRouters {
  readonly #spread: SpreadRouter[] = [];
  readonly #consumers = new Map<ms.Router, number>();
  /** The producers to pipe into each spread router (all of the room's, kept by the main router). */
  readonly #producers = new Map<string, ms.Producer>();
  #creating: Promise<SpreadRouter> | undefined;
  #closed = false;

  constructor(
    readonly main: ms.Router,
    readonly pool: WorkerPool,
    readonly options: RoomRoutersOptions,
  ) {
    this.#countConsumers(main);
  }

  /** Every router of the room, the main one first. */
  get routers(): ms.Router[] {
    return [this.main, ...this.#spread.map((s) => s.router)];
  }

  /** Consumers on a router of the room (pipe consumers included: each costs its worker as much). */
  consumerCount(router: ms.Router): number {
    return this.#consumers.get(router) ?? 0;
  }

  /** Whether a new receive transport belongs on the main router: no await, no cost, for a normal room. */
  get mainHasRoom(): boolean {
    const limit = this.options.consumersPerWorker;
    return limit <= 0 || this.consumerCount(this.main) < limit;
  }

  /**
   * The router for a new receive transport: the main one while it has room, else a spread router.
   * A spread router that cannot be made is reported and the main router takes the subscriber.
   */
  async forRecv(): Promise<ms.Router> {
    if (this.mainHasRoom) return this.main;
    const limit = this.options.consumersPerWorker;
    const free = this.#spread.find((s) => this.consumerCount(s.router) < limit);
    if (free) return free.router;
    const taken = new Set(this.routers.map((r) => this.pool.workerOf(r)));
    // Every worker already hosts a router of this room: the least busy of them takes it.
    if (!this.pool.workers.some((w) => !taken.has(w))) return this.#leastBusy();
    // One router made at a time: a burst of subscribers must not open one per subscriber.
    this.#creating ??= this.#createSpread(taken).finally(() => (this.#creating = undefined));
    try {
      return (await this.#creating).router;
    } catch (error) {
      if (!this.#closed) this.options.onError(error);
      return this.main;
    }
  }

  /** Starts piping a new producer of the main router into every spread router. */
  addProducer(producer: ms.Producer): void {
    if (this.#closed || producer.closed) return;
    this.#producers.set(producer.id, producer);
    producer.observer.once('close', () => {
      this.#producers.delete(producer.id);
      for (const spread of this.#spread) spread.pipes.delete(producer.id);
    });
    for (const spread of this.#spread) this.#pipe(spread, producer);
  }

  /**
   * What a consume on `transport` must wait for: the producer's pipe into the transport's router.
   * Undefined (nothing to wait for) when the transport is on the main router.
   */
  pipeFor(transport: ms.Transport, producerId: string): Promise<void> | undefined {
    if (this.#spread.length === 0) return undefined;
    const spread = this.#spread.find((s) => s.router === routerOf(transport));
    if (!spread) return undefined;
    const producer = this.#producers.get(producerId);
    if (!producer) return Promise.resolve();
    return spread.pipes.get(producerId) ?? this.#pipe(spread, producer);
  }

  /** Closes the spread routers (their pipe transports, and so the main router's ends, close with them). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const spread of this.#spread.splice(0)) spread.router.close();
    this.#producers.clear();
  }

  async #createSpread(taken: ReadonlySet<ms.Worker | undefined>): Promise<SpreadRouter> {
    const avoid = new Set([...taken].filter((w): w is ms.Worker => w !== undefined));
    const router = await this.pool.createRouter(this.options.mediaCodecs, avoid);
    if (this.#closed) {
      router.close();
      throw new Error('room closed');
    }
    const spread: SpreadRouter = { router, pipes: new Map() };
    this.#spread.push(spread);
    this.#countConsumers(router);
    router.observer.once('close', () => {
      const index = this.#spread.indexOf(spread);
      if (index < 0) return;
      this.#spread.splice(index, 1);
      if (!this.#closed) this.options.onRouterLost();
    });
    for (const producer of this.#producers.values()) this.#pipe(spread, producer);
    return spread;
  }

  /** Pipes a producer into a spread router once; a failed pipe is forgotten so the next consume retries. */
  #pipe(spread: SpreadRouter, producer: ms.Producer): Promise<void> {
    const piping = this.main.pipeToRouter({ producerId: producer.id, router: spread.router }).then(() => undefined);
    spread.pipes.set(producer.id, piping);
    piping.catch((error: unknown) => {
      if (spread.pipes.get(producer.id) === piping) spread.pipes.delete(producer.id);
      // A producer or router closing mid-pipe is the normal end of it, not an error.
      if (!this.#closed && !producer.closed && !spread.router.closed) this.options.onError(error);
    });
    return piping;
  }

  #leastBusy(): ms.Router {
    return this.routers.reduce((best, r) => (this.consumerCount(r) < this.consumerCount(best) ? r : best));
  }

  /** Counts the consumers of every transport of a router, as they come and go. */
  #countConsumers(router: ms.Router): void {
    this.#consumers.set(router, 0);
    router.observer.on('newtransport', (transport: ms.Transport) => {
      transportRouter.set(transport, router);
      transport.observer.on('newconsumer', (consumer: ms.Consumer) => {
        this.#addConsumers(router, 1);
        consumer.observer.once('close', () => this.#addConsumers(router, -1));
      });
    });
    router.observer.once('close', () => this.#consumers.delete(router));
  }

  /** A closed router's consumers close after it: they must not bring its entry back. */
  #addConsumers(router: ms.Router, delta: number): void {
    const count = this.#consumers.get(router);
    if (count !== undefined) this.#consumers.set(router, Math.max(0, count + delta));
  }
}

/** mediasoup 3.8.4 transports do not name their router: recorded when they are made. */
const transportRouter = new WeakMap<ms.Transport, ms.Router>();

function routerOf(transport: ms.Transport): ms.Router | undefined {
  return transportRouter.get(transport);
}

import type { types as ms } from 'mediasoup';
import { loadMediasoup } from './mediasoupLoader.js';
import { TypedEmitter } from './TypedEmitter.js';

export interface WorkerPoolOptions {
  /** How many workers; one per core by default. */
  size: number;
  rtcMinPort: number;
  rtcMaxPort: number;
  logLevel?: ms.WorkerLogLevel;
}

export interface WorkerPoolEvents extends Record<string, unknown[]> {
  /** A worker died; everything it hosted is gone. A replacement is being started. */
  workerDied: [worker: ms.Worker, error: Error];
  workerReplaced: [worker: ms.Worker];
  replaceFailed: [error: Error];
}

/**
 * One mediasoup worker per core. Routers are placed on the worker hosting the fewest routers.
 * A worker that dies is replaced; its rooms are closed by whoever listens to `workerDied`.
 */
export class WorkerPool extends TypedEmitter<WorkerPoolEvents> {
  readonly #workers: ms.Worker[] = [];
  readonly #routerCount = new Map<ms.Worker, number>();
  readonly #routerWorker = new WeakMap<ms.Router, ms.Worker>();
  #restarts = 0;
  #closed = false;

  private constructor(readonly options: WorkerPoolOptions) {
    super();
  }

  static async create(options: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(options);
    for (let i = 0; i < options.size; i++) {
      pool.#add(await pool.#spawn());
    }
    return pool;
  }

  get workers(): readonly ms.Worker[] {
    return this.#workers;
  }

  get restarts(): number {
    return this.#restarts;
  }

  /** A router on the least-loaded worker; `avoid`: workers not to use (a room spreading over several). */
  async createRouter(mediaCodecs: ms.RtpCodecCapability[], avoid?: ReadonlySet<ms.Worker>): Promise<ms.Router> {
    const worker = this.#leastLoaded(avoid);
    const router = await worker.createRouter({ mediaCodecs });
    this.#routerWorker.set(router, worker);
    this.#routerCount.set(worker, (this.#routerCount.get(worker) ?? 0) + 1);
    router.observer.once('close', () => {
      this.#routerCount.set(worker, Math.max(0, (this.#routerCount.get(worker) ?? 1) - 1));
    });
    return router;
  }

  /** The worker hosting a router this pool created. */
  workerOf(router: ms.Router): ms.Worker | undefined {
    return this.#routerWorker.get(router);
  }

  close(): void {
    this.#closed = true;
    for (const worker of this.#workers.splice(0)) worker.close();
    this.removeAllListeners();
  }

  #leastLoaded(avoid?: ReadonlySet<ms.Worker>): ms.Worker {
    const [first, ...rest] = avoid ? this.#workers.filter((w) => !avoid.has(w)) : this.#workers;
    if (!first) throw new Error('no worker available');
    return rest.reduce((best, w) => ((this.#routerCount.get(w) ?? 0) < (this.#routerCount.get(best) ?? 0) ? w : best), first);
  }

  async #spawn(): Promise<ms.Worker> {
    const mediasoup = await loadMediasoup();
    return mediasoup.createWorker({
      logLevel: this.options.logLevel ?? 'warn',
      rtcMinPort: this.options.rtcMinPort,
      rtcMaxPort: this.options.rtcMaxPort,
    });
  }

  #add(worker: ms.Worker): void {
    this.#workers.push(worker);
    this.#routerCount.set(worker, 0);
    worker.once('died', (error: Error) => void this.#onDied(worker, error));
  }

  async #onDied(worker: ms.Worker, error: Error): Promise<void> {
    const index = this.#workers.indexOf(worker);
    if (index >= 0) this.#workers.splice(index, 1);
    this.#routerCount.delete(worker);
    this.safeEmit('workerDied', worker, error);
    if (this.#closed) return;
    try {
      const replacement = await this.#spawn();
      if (this.#closed) {
        replacement.close();
        return;
      }
      this.#add(replacement);
      this.#restarts++;
      this.safeEmit('workerReplaced', replacement);
    } catch (spawnError) {
      this.safeEmit('replaceFailed', spawnError as Error);
    }
  }
}

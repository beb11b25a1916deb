import type { FastifyBaseLogger } from 'fastify';
import { callEgressCommands, type EgressCommands, type MessagePipe, RestartPolicy, serveRoomFeed } from '@roomcast/egress';
import { AppError } from '@roomcast/protocol';
import type { Sfu } from '@roomcast/sfu';
import type { EgressNotifier } from '../events.js';

/** How long a request waits for an egress that is (re)starting before a 503. */
export const WAIT_FOR_RESTART_MS = 10_000;
/** An egress that does not say it serves within this is dropped (and another one tried). */
const READY_TIMEOUT_MS = 20_000;

const unavailable = (): AppError => new AppError('service_unavailable', 'the egress is restarting; try again in a few seconds');

/** One egress as a connector reaches it: a child process, or an egress node over a socket. */
export interface EgressEndpoint {
  /** The channel the room feed and the commands run over (open at once). */
  pipe: MessagePipe;
  /** Its HTTP base URL once it serves. */
  ready: Promise<string>;
  /** Settles when it is gone (exited, or the connection closed), with why. */
  gone: Promise<string>;
  /** Ends it: a clean stop if it can within `graceMs`, else at once. */
  stop(graceMs: number): Promise<void>;
  /** A child process's pid. */
  pid?: number;
  /** An egress node's id. */
  nodeId?: string;
}

/** Makes the next endpoint: forks a process, or picks an egress node and connects to it. */
export type EgressConnector = () => Promise<EgressEndpoint>;

export interface EgressLinkOptions {
  sfu: Sfu;
  connect: EgressConnector;
  notify: EgressNotifier;
  log: () => FastifyBaseLogger;
  /** An egress was lost (before the next one is reached): what it ran is gone. */
  onLost?: (endpoint: EgressEndpoint) => void;
  /** An egress that replaced a lost one serves: time to ask it for the old jobs. */
  onReplaced?: () => void;
  /** It serves now (the first time, and after each reconnect). */
  onServing?: () => void;
  /** Egress nodes may come later: a start that reaches none keeps trying instead of failing. */
  lenientStart?: boolean;
}

interface Current {
  endpoint: EgressEndpoint;
  startedAt: number;
  url?: string;
  commands: EgressCommands;
  close(): void;
}

/**
 * The SFU's link to its egress (issue 13, Deliver 2–4), wherever that runs: the room feed and the
 * command RPC over the endpoint's channel. When the egress is lost every tap it had closes on the
 * SFU, requests wait a little then answer 503, and the next endpoint is reached with backoff. The
 * rooms never notice.
 */
export class EgressLink {
  #current: Current | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #closed = false;
  #unreachable = false;
  readonly #policy = new RestartPolicy({ initialDelayMs: 250, maxDelayMs: 10_000, healthyAfterMs: 30_000 });
  readonly #readyWaiters = new Set<() => void>();
  /** Egresses lost while in use (crashed, killed, disconnected), for tests and metrics. */
  losses = 0;

  constructor(readonly options: EgressLinkOptions) {}

  /** Reaches the first egress; resolves once it serves (lenient: at once, reaching one in the background). */
  async start(): Promise<void> {
    if (this.options.lenientStart) {
      this.#connect().catch(() => {
        this.#unreachable = true;
        this.#retry(0, 'no egress node yet');
      });
      return;
    }
    await this.#connect();
    await this.ready(READY_TIMEOUT_MS);
  }

  /** Resolves when an egress serves (at once if one does); rejects past `timeoutMs`. */
  ready(timeoutMs: number): Promise<void> {
    if (this.#current?.url) return Promise.resolve();
    if (this.#closed) return Promise.reject(unavailable());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#readyWaiters.delete(done);
        reject(unavailable());
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        resolve();
      };
      this.#readyWaiters.add(done);
    });
  }

  upstream(): string | undefined {
    return this.#current?.url;
  }

  get endpoint(): EgressEndpoint | undefined {
    return this.#current?.endpoint;
  }

  /** Each call waits (a little) for an egress that is starting or being replaced. */
  readonly commands: EgressCommands = new Proxy({} as EgressCommands, {
    get: (_target, name: keyof EgressCommands) => async (...args: unknown[]) => {
      await this.ready(WAIT_FOR_RESTART_MS);
      const current = this.#current;
      if (!current?.url) throw unavailable();
      return (current.commands[name] as (...a: unknown[]) => Promise<unknown>)(...args);
    },
  });

  async metrics(): Promise<string> {
    const url = this.upstream();
    if (!url) return '';
    const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2000) });
    return response.ok ? response.text() : '';
  }

  /** Stops using the egress (a child process is asked to stop its outputs cleanly). No reconnect after this. */
  async close(graceMs = 8_000): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    for (const waiter of [...this.#readyWaiters]) waiter();
    const current = this.#current;
    if (!current) return;
    await current.endpoint.stop(graceMs);
    current.close();
  }

  async #connect(): Promise<void> {
    const endpoint = await this.options.connect();
    if (this.#closed) {
      await endpoint.stop(0);
      return;
    }
    const feed = serveRoomFeed(this.options.sfu, endpoint.pipe, {
      egressState: (room, state) => this.options.notify.state(room.name, state),
      egressEvent: (room, type, data) => this.options.notify.event(room.name, type, data),
    });
    const rpc = callEgressCommands(endpoint.pipe);
    const current: Current = {
      endpoint,
      startedAt: Date.now(),
      commands: rpc.commands,
      close: () => {
        feed.close();
        rpc.close();
      },
    };
    this.#current = current;
    const readyTimer = setTimeout(() => void endpoint.stop(0), READY_TIMEOUT_MS);
    // Serving, then holding every room (asked once it serves: it listens by then): only then may commands name a room.
    endpoint.ready.then(async (url) => {
      await feed.synced();
      return url;
    }).then(
      (url) => {
        clearTimeout(readyTimer);
        if (this.#current !== current || this.#closed) return;
        current.url = url;
        for (const waiter of [...this.#readyWaiters]) waiter();
        this.#readyWaiters.clear();
        this.options.onServing?.();
        if (this.losses > 0) this.options.onReplaced?.();
      },
      () => undefined,
    );
    void endpoint.gone.then((reason) => {
      clearTimeout(readyTimer);
      this.#onGone(current, reason);
    });
  }

  #onGone(current: Current, reason: string): void {
    // Its taps close on the SFU now: nothing consumes for an egress that is gone.
    current.close();
    if (this.#current === current) this.#current = undefined;
    if (this.#closed) return;
    this.losses += 1;
    this.options.onLost?.(current.endpoint);
    this.#retry(Date.now() - current.startedAt, reason);
  }

  #retry(ranMs: number, reason: string): void {
    const delay = this.#policy.onExit(ranMs) ?? 10_000;
    // A loss is news; the retries while none is reachable are said once until one is.
    if (ranMs > 0) this.options.log().error({ reason, retryInMs: Math.round(delay) }, 'egress lost; reaching another (rooms go on)');
    this.#retryTimer = setTimeout(() => {
      if (this.#closed) return;
      this.#connect().then(
        () => (this.#unreachable = false),
        (error: unknown) => {
          if (!this.#unreachable) this.options.log().warn({ reason: error instanceof Error ? error.message : String(error) }, 'no egress reachable yet; retrying');
          this.#unreachable = true;
          this.#retry(0, 'no egress reachable');
        },
      );
    }, delay);
  }
}

import { backoffDelay } from '@roomcast/protocol';

export interface RestartPolicyOptions {
  /** Wait before the first restart; it doubles with each crash in a row, up to `maxDelayMs`. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** A process that ran this long before it died was healthy: the next wait is the first one again. */
  healthyAfterMs: number;
  /** At most this many restarts within `windowMs`; the next crash gives up. Unset: no limit. */
  maxRestarts?: number;
  windowMs?: number;
  /** Spread of each delay, as a fraction (default 0.1), so processes that died together do not restart together. */
  jitter?: number;
}

/**
 * When to start a crashed process again: exponential backoff that resets after a healthy run, and
 * optionally a limit on restarts per time window past which it is better to give up. Pure (clock
 * and randomness injectable) and unit tested; the owner keeps the timer.
 */
export class RestartPolicy {
  /** Crashes in a row since the last healthy run. */
  #attempt = 0;
  /** When each restart in the current window was granted. */
  readonly #recent: number[] = [];
  #restarts = 0;

  constructor(
    readonly options: RestartPolicyOptions,
    readonly now: () => number = Date.now,
    readonly random: () => number = Math.random,
  ) {}

  /** Restarts granted so far. */
  get restarts(): number {
    return this.#restarts;
  }

  /** The process died after running `ranMs`: how long to wait before starting it again, or undefined to give up. */
  onExit(ranMs: number): number | undefined {
    const { initialDelayMs, maxDelayMs, healthyAfterMs, maxRestarts, windowMs = Infinity, jitter = 0.1 } = this.options;
    const now = this.now();
    if (ranMs >= healthyAfterMs) this.#attempt = 0;
    while (this.#recent.length > 0 && now - this.#recent[0]! >= windowMs) this.#recent.shift();
    if (maxRestarts !== undefined && this.#recent.length >= maxRestarts) return undefined;
    this.#recent.push(now);
    this.#restarts++;
    return backoffDelay(this.#attempt++, { initialDelayMs, maxDelayMs, factor: 2, jitter }, this.random);
  }
}

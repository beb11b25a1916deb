import { RestartPolicy, type RestartPolicyOptions } from './RestartPolicy.js';

export interface DecoderGateOptions {
  /** RTP bytes a producer has received so far (mediasoup's byteCount); undefined once it is gone. */
  bytesReceived: (producerId: string) => Promise<number | undefined>;
  /** A waiting producer may start now (RTP arrived, a backoff ran out): lay out again. */
  onChange: () => void;
  /** How often producers without a decoder are checked for RTP. */
  pollMs?: number;
  restart?: RestartPolicyOptions;
  now?: () => number;
}

interface ProducerState {
  /** RTP arrived since `baseline` bytes: a decoder would have something to decode. */
  receiving: boolean;
  /** Bytes at the last check before which nothing counts; undefined: take the next sample. */
  baseline: number | undefined;
  policy: RestartPolicy;
  /** No decoder before this time (a backoff after a crash). */
  notBefore: number;
  startedAt: number;
  retryTimer?: NodeJS.Timeout;
}

const DEFAULT_RESTART: RestartPolicyOptions = { initialDelayMs: 1000, maxDelayMs: 60_000, healthyAfterMs: 30_000, jitter: 0.2 };

/**
 * Decides when a producer gets a decoder: only once it is receiving RTP (a producer that sends
 * nothing costs a placeholder, not an FFmpeg process), and after a crash only once its backoff has
 * run out and fresh RTP has arrived. Polls mediasoup's stats only for producers that wait.
 */
export class DecoderGate {
  readonly #states = new Map<string, ProducerState>();
  readonly #watching = new Set<string>();
  readonly #pollMs: number;
  readonly #now: () => number;
  #pollTimer: NodeJS.Timeout | undefined;
  #polling = false;
  #closed = false;
  #restarts = 0;

  constructor(readonly options: DecoderGateOptions) {
    this.#pollMs = options.pollMs ?? 1000;
    this.#now = options.now ?? Date.now;
  }

  /** Whether a decoder for this producer may start now; if not, onChange() follows when it may. */
  mayStart(producerId: string): boolean {
    const state = this.#state(producerId);
    if (!state.receiving) this.#watch(producerId);
    return state.receiving && this.#now() >= state.notBefore;
  }

  /** A decoder for this producer is running (its run time decides whether its crash resets the backoff). */
  started(producerId: string): void {
    this.#state(producerId).startedAt = this.#now();
  }

  /** Its decoder died by itself: back off, and wait for RTP newer than now before the next one. */
  exited(producerId: string): void {
    const state = this.#state(producerId);
    const now = this.#now();
    const delay = state.policy.onExit(now - state.startedAt) ?? 0;
    this.#restarts++;
    state.notBefore = now + delay;
    state.receiving = false;
    state.baseline = undefined;
    this.#watch(producerId);
    clearTimeout(state.retryTimer);
    state.retryTimer = setTimeout(() => !this.#closed && this.options.onChange(), delay);
  }

  /** Decoders that died by themselves so far (each one is restarted once its producer sends). */
  get restarts(): number {
    return this.#restarts;
  }

  /** Forgets producers not in `producerIds` (they left the room): nothing per producer outlives it. */
  retain(producerIds: ReadonlySet<string>): void {
    for (const [producerId, state] of this.#states) {
      if (producerIds.has(producerId)) continue;
      clearTimeout(state.retryTimer);
      this.#states.delete(producerId);
      this.#watching.delete(producerId);
    }
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#pollTimer);
    for (const state of this.#states.values()) clearTimeout(state.retryTimer);
    this.#states.clear();
    this.#watching.clear();
  }

  #state(producerId: string): ProducerState {
    let state = this.#states.get(producerId);
    if (!state) {
      // A new producer: any RTP at all will do.
      state = { receiving: false, baseline: 0, policy: new RestartPolicy(this.options.restart ?? DEFAULT_RESTART, this.#now), notBefore: 0, startedAt: 0 };
      this.#states.set(producerId, state);
    }
    return state;
  }

  #watch(producerId: string): void {
    this.#watching.add(producerId);
    // The first check at once: a participant already sending must not wait a poll period.
    if (!this.#polling && this.#pollTimer === undefined) this.#pollTimer = setTimeout(() => this.#poll(), 0);
  }

  #poll(): void {
    this.#pollTimer = undefined;
    if (this.#closed || this.#watching.size === 0) return;
    this.#polling = true;
    this.#check()
      .catch(() => undefined)
      .finally(() => {
        this.#polling = false;
        if (!this.#closed && this.#watching.size > 0) this.#pollTimer = setTimeout(() => this.#poll(), this.#pollMs);
      });
  }

  async #check(): Promise<void> {
    let changed = false;
    const ids = [...this.#watching];
    // null: the stats could not be read this time (a busy worker): look again at the next poll.
    const samples = await Promise.all(ids.map((id) => this.options.bytesReceived(id).catch(() => null)));
    ids.forEach((producerId, i) => {
      const state = this.#states.get(producerId);
      const bytes = samples[i];
      if (bytes === null) return;
      if (!state || bytes === undefined) return void this.#watching.delete(producerId);
      if (state.baseline === undefined || bytes <= state.baseline) {
        state.baseline ??= bytes;
        return;
      }
      state.receiving = true;
      this.#watching.delete(producerId);
      changed = true;
    });
    if (changed && !this.#closed) this.options.onChange();
  }
}

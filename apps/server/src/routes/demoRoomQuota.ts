import { AppError } from '@roomcast/protocol';

export interface DemoRoomQuotaOptions {
  /** New rooms one client IP may create per hour (a bucket of this size, refilled over an hour). */
  perHour: number;
  /** Rooms the demo endpoint may have open at once (kept below MAX_ROOMS by the config). */
  maxOpen: number;
  /** Client IPs remembered at most; buckets that have refilled are forgotten first. */
  maxClients?: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const HOUR_MS = 3600_000;

/**
 * The demo endpoint's own room budget, apart from the admin API, so unauthenticated demo calls can
 * never fill MAX_ROOMS. A token bucket of our own rather than @fastify/rate-limit's per-route
 * config: only a call that *creates* a room is charged (joining an existing room is not), and a
 * creation that fails gives its token back.
 */
export class DemoRoomQuota {
  readonly #buckets = new Map<string, Bucket>();
  /** Names of rooms the demo created (or is creating) that are still open. */
  readonly #open = new Set<string>();

  constructor(
    readonly options: DemoRoomQuotaOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Charges `ip` for creating `room`, or throws a 429. Returns the refund for a failed creation. */
  reserve(ip: string, room: string): () => void {
    if (this.#open.size >= this.options.maxOpen) {
      throw new AppError('limit_exceeded', `the demo may have at most ${this.options.maxOpen} rooms open; join one of them or try later`);
    }
    const bucket = this.#refilled(ip);
    if (bucket.tokens < 1) {
      const waitS = Math.ceil(((1 - bucket.tokens) * HOUR_MS) / this.options.perHour / 1000);
      throw new AppError('rate_limited', `the demo creates at most ${this.options.perHour} rooms per hour per client; retry in ${waitS} s`);
    }
    bucket.tokens -= 1;
    this.#open.add(room);
    let refunded = false;
    return () => {
      if (refunded) return;
      refunded = true;
      this.#open.delete(room);
      bucket.tokens = Math.min(this.options.perHour, bucket.tokens + 1);
    };
  }

  /** A room closed: if the demo created it, its slot is free again. */
  roomClosed(room: string): void {
    this.#open.delete(room);
  }

  get openRooms(): number {
    return this.#open.size;
  }

  #refilled(ip: string): Bucket {
    const now = this.now();
    const bucket = this.#buckets.get(ip) ?? { tokens: this.options.perHour, at: now };
    bucket.tokens = Math.min(this.options.perHour, bucket.tokens + ((now - bucket.at) * this.options.perHour) / HOUR_MS);
    bucket.at = now;
    this.#buckets.delete(ip); // re-inserted last: the Map's first entries are the least recently seen
    this.#buckets.set(ip, bucket);
    this.#forgetIdleClients(ip);
    return bucket;
  }

  #forgetIdleClients(current: string): void {
    const max = this.options.maxClients ?? 10_000;
    if (this.#buckets.size <= max) return;
    const now = this.now();
    for (const [ip, bucket] of this.#buckets) {
      const full = bucket.tokens + ((now - bucket.at) * this.options.perHour) / HOUR_MS >= this.options.perHour;
      if (full && ip !== current) this.#buckets.delete(ip);
    }
    // Still too many active clients: forget the least recently seen (the bound on memory wins).
    while (this.#buckets.size > max) this.#buckets.delete(this.#buckets.keys().next().value!);
  }
}

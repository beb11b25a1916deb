import { TokenBucket } from 'limiter';

export interface MessageRateOptions {
  /** Messages a socket may send per second, sustained. */
  perSecond: number;
  /** Messages it may send at once (a client joining sends a dozen in a few milliseconds). */
  burst: number;
}

export type RateVerdict = 'ok' | 'refuse' | 'close';

/**
 * One socket's message budget: a token bucket (the `limiter` package). A message past the budget
 * is refused with `rate_limited`; a client that keeps flooding after being refused — it has spent a
 * second bucket of refusals the size of its burst — is disconnected.
 */
export class MessageRateLimit {
  readonly #messages: TokenBucket;
  readonly #refusals: TokenBucket;

  constructor(options: MessageRateOptions) {
    this.#messages = fullBucket(options.burst, options.perSecond);
    this.#refusals = fullBucket(options.burst, options.perSecond);
  }

  take(): RateVerdict {
    if (this.#messages.tryRemoveTokens(1)) return 'ok';
    return this.#refusals.tryRemoveTokens(1) ? 'refuse' : 'close';
  }
}

/** limiter's buckets start empty; a new socket starts with its whole burst available. */
function fullBucket(size: number, perSecond: number): TokenBucket {
  const bucket = new TokenBucket({ bucketSize: size, tokensPerInterval: perSecond, interval: 'second' });
  bucket.content = size;
  return bucket;
}

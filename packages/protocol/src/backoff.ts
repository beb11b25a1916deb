/** Exponential backoff shared by everything that retries: the SDK, RTMP relays, webhooks. */
export interface BackoffPolicy {
  /** Delay before the first retry. */
  initialDelayMs: number;
  /** Upper bound of any delay. */
  maxDelayMs: number;
  /** Each delay is this many times the previous one. */
  factor: number;
  /** Random spread, as a fraction of the delay, so many retriers of one server do not retry in step. */
  jitter: number;
}

/** The delay before retry `attempt` (0-based): exponential, capped, with jitter. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** attempt);
  const spread = base * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.min(policy.maxDelayMs, Math.round(base + spread)));
}

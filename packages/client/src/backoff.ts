/** How the SDK retries after the signaling socket drops. */
export interface ReconnectPolicy {
  /** Attempts before giving up (the room then disconnects with reason `reconnect_failed`). */
  maxAttempts: number;
  /** Delay before the first attempt. */
  initialDelayMs: number;
  /** Upper bound of any delay. */
  maxDelayMs: number;
  /** Each delay is this many times the previous one. */
  factor: number;
  /** Random spread, as a fraction of the delay, so many clients of one server do not retry in step. */
  jitter: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = {
  maxAttempts: 10,
  initialDelayMs: 300,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.2,
};

/** The delay before attempt `attempt` (0-based): exponential, capped, with jitter. */
export function backoffDelay(attempt: number, policy: ReconnectPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.factor ** attempt);
  const spread = base * policy.jitter * (random() * 2 - 1);
  return Math.max(0, Math.min(policy.maxDelayMs, Math.round(base + spread)));
}

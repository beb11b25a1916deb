import type { BackoffPolicy } from '@roomcast/protocol';

export { backoffDelay } from '@roomcast/protocol';

/** How the SDK retries after the signaling socket drops. */
export interface ReconnectPolicy extends BackoffPolicy {
  /** Attempts before giving up (the room then disconnects with reason `reconnect_failed`). */
  maxAttempts: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicy = {
  maxAttempts: 10,
  initialDelayMs: 300,
  maxDelayMs: 10_000,
  factor: 2,
  jitter: 0.2,
};

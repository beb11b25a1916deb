import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RECONNECT_POLICY, type ReconnectPolicy } from './backoff.js';

const policy: ReconnectPolicy = { maxAttempts: 5, initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 };

describe('backoffDelay', () => {
  it('doubles from the initial delay and stops at the cap (no jitter at random = 0.5)', () => {
    const delays = [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, policy, () => 0.5));
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('spreads by at most ±jitter and never exceeds the cap', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(100);
    expect(backoffDelay(1, policy, () => 1)).toBe(300);
    expect(backoffDelay(10, policy, () => 1)).toBe(1000);
  });

  it('the default policy starts fast and gives up within about a minute', () => {
    const total = Array.from({ length: DEFAULT_RECONNECT_POLICY.maxAttempts }, (_, i) =>
      backoffDelay(i, DEFAULT_RECONNECT_POLICY, () => 0.5),
    ).reduce((a, b) => a + b, 0);
    expect(backoffDelay(0, DEFAULT_RECONNECT_POLICY, () => 0.5)).toBeLessThan(500);
    expect(total).toBeLessThan(90_000);
  });
});

import { describe, expect, it } from 'vitest';
import { backoffDelay, type BackoffPolicy } from './backoff.js';

const policy: BackoffPolicy = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.5 };

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

});

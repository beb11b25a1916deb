import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_RECONNECT_POLICY } from './backoff.js';

describe('DEFAULT_RECONNECT_POLICY', () => {
  it('the default policy starts fast and gives up within about a minute', () => {
    const total = Array.from({ length: DEFAULT_RECONNECT_POLICY.maxAttempts }, (_, i) =>
      backoffDelay(i, DEFAULT_RECONNECT_POLICY, () => 0.5),
    ).reduce((a, b) => a + b, 0);
    expect(backoffDelay(0, DEFAULT_RECONNECT_POLICY, () => 0.5)).toBeLessThan(500);
    expect(total).toBeLessThan(90_000);
  });
});

import { describe, expect, it } from 'vitest';
import { RestartPolicy } from './RestartPolicy.js';

const noJitter = () => 0.5;

describe('RestartPolicy', () => {
  it('doubles the wait with each crash in a row, up to the cap, without end when unlimited', () => {
    const policy = new RestartPolicy({ initialDelayMs: 1000, maxDelayMs: 8000, healthyAfterMs: 30_000 }, () => 0, noJitter);
    const delays = Array.from({ length: 7 }, () => policy.onExit(100));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000, 8000, 8000]);
    expect(policy.restarts).toBe(7);
  });

  it('starts from the first wait again after a healthy run', () => {
    const policy = new RestartPolicy({ initialDelayMs: 1000, maxDelayMs: 60_000, healthyAfterMs: 30_000 }, () => 0, noJitter);
    expect([policy.onExit(10), policy.onExit(10), policy.onExit(10)]).toEqual([1000, 2000, 4000]);
    expect(policy.onExit(30_000)).toBe(1000);
    expect(policy.onExit(10)).toBe(2000);
  });

  it('gives up past the limit within the window, and allows restarts again once old ones leave it', () => {
    let now = 0;
    const policy = new RestartPolicy(
      { initialDelayMs: 250, maxDelayMs: 4000, healthyAfterMs: 60_000, maxRestarts: 3, windowMs: 300_000 },
      () => now,
      noJitter,
    );
    expect([policy.onExit(1000), policy.onExit(1000), policy.onExit(1000)]).toEqual([250, 500, 1000]);
    now = 299_999;
    expect(policy.onExit(1000)).toBeUndefined();
    now = 300_000;
    expect(policy.onExit(120_000)).toBe(250);
    expect(policy.restarts).toBe(4);
  });

  it('spreads delays by the jitter', () => {
    const low = new RestartPolicy({ initialDelayMs: 1000, maxDelayMs: 8000, healthyAfterMs: 1, jitter: 0.2 }, () => 0, () => 0);
    const high = new RestartPolicy({ initialDelayMs: 1000, maxDelayMs: 8000, healthyAfterMs: 1, jitter: 0.2 }, () => 0, () => 1);
    expect([low.onExit(0), high.onExit(0)]).toEqual([800, 1200]);
  });
});

import { describe, expect, it } from 'vitest';
import { MessageRateLimit } from './MessageRateLimit.js';

describe('MessageRateLimit', () => {
  it('lets a burst through, refuses past it, and closes a client that keeps flooding', () => {
    const limit = new MessageRateLimit({ perSecond: 1, burst: 5 });
    const verdicts = Array.from({ length: 12 }, () => limit.take());
    expect(verdicts.slice(0, 5)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    expect(verdicts.slice(5, 10)).toEqual(['refuse', 'refuse', 'refuse', 'refuse', 'refuse']);
    expect(verdicts[10]).toBe('close');
  });

  it('refills over time', async () => {
    const limit = new MessageRateLimit({ perSecond: 100, burst: 2 });
    expect([limit.take(), limit.take(), limit.take()]).toEqual(['ok', 'ok', 'refuse']);
    await new Promise((r) => setTimeout(r, 60));
    expect(limit.take()).toBe('ok');
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';

describe('REDIS_URL', () => {
  it('is optional: unset, the webhook queue stays in memory', () => {
    expect(loadConfig({}).redisUrl).toBeUndefined();
  });

  it('takes redis:// and rediss:// URLs', () => {
    expect(loadConfig({ REDIS_URL: 'redis://:s3cret@cache.internal:6379/1' }).redisUrl).toBe('redis://:s3cret@cache.internal:6379/1');
    expect(loadConfig({ REDIS_URL: 'rediss://app:s3cret@cache.internal' }).redisUrl).toBe('rediss://app:s3cret@cache.internal');
  });

  it('refuses another scheme or a non-URL, without repeating the value (it may hold a password)', () => {
    for (const value of ['http://user:s3cret@cache.internal', 'cache.internal s3cret']) {
      let error: unknown;
      try {
        loadConfig({ REDIS_URL: value });
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain('REDIS_URL');
      expect((error as Error).message).not.toContain('s3cret');
    }
  });
});

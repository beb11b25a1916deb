import { Redis } from 'ioredis';

interface Log {
  info(object: object, message: string): void;
  warn(object: object, message: string): void;
}

/** REDIS_URL without its credentials: `redis://:secret@host:6379/0` → `redis://***@host:6379/0`. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return parsed.toString();
    parsed.username = '***';
    parsed.password = '';
    return parsed.toString();
  } catch {
    return 'invalid-url';
  }
}

/** Reconnect delays after Redis went away: 100 ms doubling to 3 s, for as long as it takes. */
export function reconnectDelayMs(times: number): number {
  return Math.min(3000, 100 * 2 ** Math.min(times - 1, 10));
}

/**
 * One connection for the process. Commands fail at once while Redis is unreachable (no offline
 * queue) so callers fall back to memory instead of waiting; ioredis reconnects with backoff.
 * Errors are logged once per outage, with the URL redacted.
 */
export function createRedisClient(url: string, log: Log): Redis {
  const where = redactRedisUrl(url);
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // A Redis that stops answering without closing the socket must not hang a delivery or a shutdown.
    commandTimeout: 5000,
    retryStrategy: reconnectDelayMs,
    connectionName: 'roomcast',
  });
  let down = false;
  redis.on('error', (error: Error) => {
    if (down) return;
    down = true;
    // ioredis messages name host:port only; the URL we print is redacted.
    log.warn({ redis: where, code: (error as NodeJS.ErrnoException).code }, 'redis unreachable; reconnecting (webhooks queue in memory meanwhile)');
  });
  redis.on('ready', () => {
    if (down) log.info({ redis: where }, 'redis reachable again');
    down = false;
  });
  return redis;
}

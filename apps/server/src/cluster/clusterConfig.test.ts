import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config.js';
import { defaultInternalUrl } from './clusterConfig.js';

const REDIS = 'redis://:s3cret@cache.internal:6379';

function configError(env: Record<string, string>): Error {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as Error;
  }
  throw new Error('expected a ConfigError');
}

describe('ROOMCAST_ROLE', () => {
  it('defaults to all, which needs no Redis', () => {
    expect(loadConfig({}).cluster.role).toBe('all');
  });

  it('takes sfu and egress when REDIS_URL is set', () => {
    expect(loadConfig({ ROOMCAST_ROLE: 'sfu', REDIS_URL: REDIS }).cluster.role).toBe('sfu');
    expect(loadConfig({ ROOMCAST_ROLE: 'egress', REDIS_URL: REDIS }).cluster.role).toBe('egress');
  });

  it('refuses sfu or egress without REDIS_URL, naming both variables', () => {
    for (const role of ['sfu', 'egress']) {
      const message = configError({ ROOMCAST_ROLE: role }).message;
      expect(message).toContain(`ROOMCAST_ROLE=${role}`);
      expect(message).toContain('REDIS_URL');
    }
  });

  it('refuses any other value', () => {
    for (const role of ['ALL', 'worker', '']) expect(configError({ ROOMCAST_ROLE: role }).message).toContain('ROOMCAST_ROLE');
  });
});

describe('NODE_ID', () => {
  it('defaults to <hostname>-<pid>-<4 hex>, different for each load', () => {
    const host = os.hostname().replace(/[^A-Za-z0-9.-]/g, '-').slice(0, 40);
    const ids = new Set(Array.from({ length: 8 }, () => loadConfig({}).cluster.nodeId));
    for (const id of ids) expect(id).toMatch(new RegExp(`^${host.replace(/\./g, '\\.')}-${process.pid}-[0-9a-f]{4}$`));
    expect(ids.size).toBeGreaterThan(1);
  });

  it('takes letters, digits, dot, dash and underscore', () => {
    expect(loadConfig({ NODE_ID: 'egress-1.eu_west' }).cluster.nodeId).toBe('egress-1.eu_west');
  });

  it('refuses what would bend a Redis key or a log line', () => {
    for (const id of ['a b', 'a:b', 'a*', 'x'.repeat(65), '']) expect(configError({ NODE_ID: id }).message).toContain('NODE_ID');
  });
});

describe('INTERNAL_URL', () => {
  it('is unset by default (the server derives it once it listens)', () => {
    expect(loadConfig({}).cluster.internalUrl).toBeUndefined();
  });

  it('takes an http(s) URL, without a trailing slash', () => {
    expect(loadConfig({ INTERNAL_URL: 'http://10.0.0.5:3000/' }).cluster.internalUrl).toBe('http://10.0.0.5:3000');
    expect(loadConfig({ INTERNAL_URL: 'https://sfu-1.internal' }).cluster.internalUrl).toBe('https://sfu-1.internal');
  });

  it('refuses other schemes and non-URLs', () => {
    for (const url of ['ftp://10.0.0.5', 'redis://10.0.0.5:6379', '10.0.0.5:3000', 'http//x']) {
      expect(configError({ INTERNAL_URL: url }).message).toContain('INTERNAL_URL');
    }
  });

  it('defaults to http://HOST:PORT, with the hostname standing in for a wildcard HOST', () => {
    expect(defaultInternalUrl('127.0.0.1', 3000)).toBe('http://127.0.0.1:3000');
    expect(defaultInternalUrl('::1', 3000)).toBe('http://[::1]:3000');
    expect(defaultInternalUrl('0.0.0.0', 3001)).toBe(`http://${os.hostname()}:3001`);
    expect(defaultInternalUrl('::', 3001)).toBe(`http://${os.hostname()}:3001`);
  });
});

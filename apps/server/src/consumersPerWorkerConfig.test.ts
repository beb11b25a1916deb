import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('SFU_CONSUMERS_PER_WORKER', () => {
  it('spreads a room past 400 consumers by default, and never with 0', () => {
    expect(loadConfig({}).consumersPerWorker).toBe(400);
    expect(loadConfig({ SFU_CONSUMERS_PER_WORKER: '0' }).consumersPerWorker).toBe(0);
    expect(loadConfig({ SFU_CONSUMERS_PER_WORKER: '250' }).consumersPerWorker).toBe(250);
  });

  it('refuses a negative or fractional threshold', () => {
    expect(() => loadConfig({ SFU_CONSUMERS_PER_WORKER: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ SFU_CONSUMERS_PER_WORKER: '2.5' })).toThrow(ConfigError);
  });
});

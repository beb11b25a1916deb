import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('falls back to dev defaults and says it is in dev mode', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ host: '127.0.0.1', port: 3000, apiKey: 'devkey', devMode: true, roomAutoCreate: true });
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      PORT: '4000',
      ROOMCAST_API_KEY: 'prodkey',
      ROOMCAST_API_SECRET: 'a-long-secret',
      RTC_ANNOUNCED_IP: '203.0.113.7',
      RTC_MIN_PORT: '50000',
      RTC_MAX_PORT: '50100',
      WEBHOOK_URLS: 'http://a.example/hook, http://b.example/hook',
      ROOM_AUTO_CREATE: 'false',
    });
    expect(config).toMatchObject({
      port: 4000,
      devMode: false,
      rtc: { announcedIp: '203.0.113.7', minPort: 50000, maxPort: 50100 },
      webhooks: { urls: ['http://a.example/hook', 'http://b.example/hook'], secret: 'a-long-secret' },
      roomAutoCreate: false,
    });
  });

  it('checks rtmps certificates by default, and takes a private CA only if it can read it', () => {
    expect(loadConfig({}).egress.rtmpsTls).toEqual({ verify: true, caFile: undefined });
    const here = fileURLToPath(import.meta.url);
    expect(loadConfig({ EGRESS_RTMPS_CA_FILE: here }).egress.rtmpsTls).toEqual({ verify: true, caFile: here });
    expect(loadConfig({ EGRESS_RTMPS_VERIFY: 'false' }).egress.rtmpsTls.verify).toBe(false);
    expect(() => loadConfig({ EGRESS_RTMPS_CA_FILE: '/nonexistent/ca.pem' })).toThrow(/EGRESS_RTMPS_CA_FILE: cannot read/);
  });

  it('refuses bad values with a message naming the variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ RTC_MIN_PORT: '5000', RTC_MAX_PORT: '4000' })).toThrow(/RTC_MIN_PORT/);
    expect(() => loadConfig({ ROOMCAST_API_SECRET: 'short' })).toThrow(/ROOMCAST_API_SECRET/);
  });

  it('never puts the secret into its error message', () => {
    expect.assertions(1);
    try {
      loadConfig({ ROOMCAST_API_SECRET: 'tiny', PORT: 'x' });
    } catch (error) {
      expect(String(error)).not.toContain('tiny');
    }
  });
});

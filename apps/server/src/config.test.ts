import { createHmac } from 'node:crypto';
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
      WEBHOOK_SECRET: 'whsec-0123456789abcdef',
      ROOM_AUTO_CREATE: 'false',
      ROOM_EMPTY_TIMEOUT_S: '60',
      DEMO_ROOM_CREATE_MAX: '5',
      DEMO_MAX_ROOMS: '7',
      EGRESS_RTP_LISTEN_IP: '10.0.4.7',
      EGRESS_RTP_ANNOUNCED_IP: '198.51.100.2',
      EGRESS_TAP_LISTEN_IP: '10.0.4.8',
    });
    expect(config).toMatchObject({
      port: 4000,
      devMode: false,
      rtc: { announcedIp: '203.0.113.7', minPort: 50000, maxPort: 50100 },
      webhooks: { urls: ['http://a.example/hook', 'http://b.example/hook'], secret: 'whsec-0123456789abcdef' },
      roomAutoCreate: false,
      roomEmptyTimeoutMs: 60_000,
      demo: { moderators: true, maxRooms: 7, roomCreatesPerHour: 5 },
      egress: { rtpListenIp: '10.0.4.7', rtpAnnouncedIp: '198.51.100.2', tapListenIp: '10.0.4.8' },
    });
    expect(loadConfig({}).egress).toMatchObject({ rtpListenIp: '127.0.0.1', rtpAnnouncedIp: undefined, tapListenIp: '127.0.0.1' });
  });

  it('closes empty rooms after 5 minutes by default, and the demo never takes the last room slot', () => {
    expect(loadConfig({})).toMatchObject({ roomEmptyTimeoutMs: 300_000, maxRooms: 100, demo: { maxRooms: 20, roomCreatesPerHour: 30 } });
    expect(loadConfig({ MAX_ROOMS: '10', DEMO_MAX_ROOMS: '50' }).demo.maxRooms).toBe(9);
    expect(() => loadConfig({ ROOM_EMPTY_TIMEOUT_S: '0' })).toThrow(/ROOM_EMPTY_TIMEOUT_S/);
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
    expect(() => loadConfig({ EGRESS_RTP_LISTEN_IP: 'egress.local' })).toThrow(/EGRESS_RTP_LISTEN_IP/);
  });

  describe('dev credentials on a public address', () => {
    const real = { ROOMCAST_API_KEY: 'prodkey', ROOMCAST_API_SECRET: 'a-long-secret' };

    it('refuses them on a non-loopback HOST, naming what to set', () => {
      for (const HOST of ['0.0.0.0', '::', '192.168.1.20', 'roomcast.example']) {
        expect(() => loadConfig({ HOST }), HOST).toThrow(ConfigError);
        expect(() => loadConfig({ HOST }), HOST).toThrow(/ROOMCAST_API_KEY.*ROOMCAST_API_SECRET.*ROOMCAST_DEV_MODE=1/);
      }
      // Only one of the two published values is enough to be dev mode.
      expect(() => loadConfig({ HOST: '0.0.0.0', ROOMCAST_API_KEY: 'prodkey' })).toThrow(/ROOMCAST_DEV_MODE/);
      expect(() => loadConfig({ HOST: '0.0.0.0', ROOMCAST_DEV_MODE: '0' })).toThrow(/ROOMCAST_DEV_MODE/);
    });

    it('allows them on loopback, where the demo may mint moderators', () => {
      for (const HOST of ['127.0.0.1', '127.0.0.53', '::1', 'localhost', '[::1]']) {
        expect(loadConfig({ HOST }), HOST).toMatchObject({ devMode: true, demo: { moderators: true } });
      }
    });

    it('allows them anywhere with ROOMCAST_DEV_MODE=1, and then the demo mints no moderators', () => {
      for (const ROOMCAST_DEV_MODE of ['1', 'true']) {
        expect(loadConfig({ HOST: '0.0.0.0', ROOMCAST_DEV_MODE })).toMatchObject({ devMode: true, demo: { moderators: false } });
      }
    });

    it('does not care about HOST with real credentials', () => {
      expect(loadConfig({ HOST: '0.0.0.0', ...real }).devMode).toBe(false);
    });
  });

  describe('webhook secret', () => {
    const real = { ROOMCAST_API_KEY: 'prodkey', ROOMCAST_API_SECRET: 'a-long-api-secret' };
    const hooks = { WEBHOOK_URLS: 'https://hooks.example/roomcast' };

    it('is never the API secret, which signs admin tokens', () => {
      expect(() => loadConfig({ ...real, ...hooks })).toThrow(/WEBHOOK_URLS is set but WEBHOOK_SECRET is not/);
      expect(() => loadConfig({ ...real, ...hooks, WEBHOOK_SECRET: real.ROOMCAST_API_SECRET })).toThrow(/must differ from ROOMCAST_API_SECRET/);
      expect(loadConfig({ ...real }).webhooks.secret).not.toBe(real.ROOMCAST_API_SECRET);
    });

    it('needs at least 16 characters, and the message does not echo it', () => {
      expect(() => loadConfig({ ...real, ...hooks, WEBHOOK_SECRET: 'short-secret' })).toThrow(/WEBHOOK_SECRET/);
      expect(() => loadConfig({ ...real, ...hooks, WEBHOOK_SECRET: 'short-secret' })).not.toThrow(/short-secret/);
      expect(loadConfig({ ...real, ...hooks, WEBHOOK_SECRET: 'whsec-0123456789abcdef' }).webhooks.secret).toBe('whsec-0123456789abcdef');
    });

    it('in dev mode only, is derived from the API secret when not set', () => {
      const derived = createHmac('sha256', 'devsecret').update('roomcast-webhooks').digest('hex');
      expect(loadConfig({ ...hooks }).webhooks).toEqual({ urls: [hooks.WEBHOOK_URLS], secret: derived });
      expect(derived).not.toBe('devsecret');
    });
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

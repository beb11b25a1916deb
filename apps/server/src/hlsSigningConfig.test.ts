import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const SECRET = 'hls-url-secret-0123456789';

describe('HLS_SIGNED_URLS configuration', () => {
  it('is off by default: no signing', () => {
    expect(loadConfig({}).hlsSigning).toBeUndefined();
    expect(loadConfig({ HLS_URL_SECRET: SECRET }).hlsSigning).toBeUndefined();
  });

  it('signs with HLS_URL_SECRET for 6 h unless HLS_URL_TTL_S says otherwise', () => {
    expect(loadConfig({ HLS_SIGNED_URLS: 'true', HLS_URL_SECRET: SECRET }).hlsSigning).toEqual({ secret: SECRET, ttlS: 21_600 });
    expect(loadConfig({ HLS_SIGNED_URLS: '1', HLS_URL_SECRET: SECRET, HLS_URL_TTL_S: '600' }).hlsSigning).toEqual({ secret: SECRET, ttlS: 600 });
  });

  it('refuses signing without a secret of 16 characters, with the API secret, or a TTL under a minute, never echoing the secret', () => {
    expect(() => loadConfig({ HLS_SIGNED_URLS: 'true' })).toThrow(/HLS_SIGNED_URLS needs HLS_URL_SECRET/);
    expect(() => loadConfig({ HLS_SIGNED_URLS: 'true', HLS_URL_SECRET: 'short-secret' })).toThrow(/HLS_URL_SECRET/);
    expect(() => loadConfig({ HLS_SIGNED_URLS: 'true', HLS_URL_SECRET: 'short-secret' })).not.toThrow(/short-secret/);
    const shared = { ROOMCAST_API_SECRET: SECRET, HLS_SIGNED_URLS: 'true', HLS_URL_SECRET: SECRET };
    expect(() => loadConfig(shared)).toThrow(/must not be the API secret/);
    expect(() => loadConfig(shared)).not.toThrow(new RegExp(SECRET));
    expect(() => loadConfig({ HLS_SIGNED_URLS: 'true', HLS_URL_SECRET: SECRET, HLS_URL_TTL_S: '10' })).toThrow(/HLS_URL_TTL_S/);
  });
});

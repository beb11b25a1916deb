import { describe, expect, it } from 'vitest';
import { loadWebLayoutConfig } from './webLayoutConfig.js';

const fail = (message: string): Error => new Error(message);

describe('loadWebLayoutConfig', () => {
  it('defaults to no extra origin and 15 s', () => {
    expect(loadWebLayoutConfig({}, fail)).toEqual({ origins: [], loadTimeoutMs: 15_000 });
  });

  it('reads comma-separated origins, normalised', () => {
    const config = loadWebLayoutConfig({ WEB_LAYOUT_ORIGINS: 'https://Layouts.example.com, http://127.0.0.1:8080/', WEB_LAYOUT_LOAD_TIMEOUT_MS: '2000' }, fail);
    expect(config).toEqual({ origins: ['https://layouts.example.com', 'http://127.0.0.1:8080'], loadTimeoutMs: 2000 });
  });

  it('refuses what is not an http(s) origin, naming the variable', () => {
    expect(() => loadWebLayoutConfig({ WEB_LAYOUT_ORIGINS: 'file:///etc' }, fail)).toThrow(/WEB_LAYOUT_ORIGINS/);
    expect(() => loadWebLayoutConfig({ WEB_LAYOUT_ORIGINS: 'https://a.example/path' }, fail)).toThrow(/origin only/);
    expect(() => loadWebLayoutConfig({ WEB_LAYOUT_LOAD_TIMEOUT_MS: 'soon' }, fail)).toThrow(/WEB_LAYOUT_LOAD_TIMEOUT_MS/);
  });
});

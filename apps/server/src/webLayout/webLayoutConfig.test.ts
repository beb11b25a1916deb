import { describe, expect, it } from 'vitest';
import { loadWebLayoutConfig } from './webLayoutConfig.js';

const fail = (message: string): Error => new Error(message);

describe('loadWebLayoutConfig', () => {
  it('defaults to no extra origin, 15 s and the x11grab capture', () => {
    expect(loadWebLayoutConfig({}, fail)).toEqual({ origins: [], loadTimeoutMs: 15_000, capture: 'x11grab' });
  });

  it('reads comma-separated origins, normalised', () => {
    const config = loadWebLayoutConfig({ WEB_LAYOUT_ORIGINS: 'https://Layouts.example.com, http://127.0.0.1:8080/', WEB_LAYOUT_LOAD_TIMEOUT_MS: '2000', WEB_LAYOUT_CAPTURE: 'screencast' }, fail);
    expect(config).toEqual({ origins: ['https://layouts.example.com', 'http://127.0.0.1:8080'], loadTimeoutMs: 2000, capture: 'screencast' });
  });

  it('refuses what is not an http(s) origin, naming the variable', () => {
    expect(() => loadWebLayoutConfig({ WEB_LAYOUT_ORIGINS: 'file:///etc' }, fail)).toThrow(/WEB_LAYOUT_ORIGINS/);
    expect(() => loadWebLayoutConfig({ WEB_LAYOUT_ORIGINS: 'https://a.example/path' }, fail)).toThrow(/origin only/);
    expect(() => loadWebLayoutConfig({ WEB_LAYOUT_LOAD_TIMEOUT_MS: 'soon' }, fail)).toThrow(/WEB_LAYOUT_LOAD_TIMEOUT_MS/);
    expect(() => loadWebLayoutConfig({ WEB_LAYOUT_CAPTURE: 'vnc' }, fail)).toThrow(/WEB_LAYOUT_CAPTURE/);
  });
});

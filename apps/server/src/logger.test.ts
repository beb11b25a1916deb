import { describe, expect, it } from 'vitest';
import { redactUrl } from './logger.js';

describe('redactUrl', () => {
  it('hides tokens, keys and signatures in query strings', () => {
    expect(redactUrl('/ws?token=eyJabc.def&x=1')).toBe('/ws?token=[redacted]&x=1');
    expect(redactUrl('/a?x=1&stream_key=live_123')).toBe('/a?x=1&stream_key=[redacted]');
    expect(redactUrl('/plain/path')).toBe('/plain/path');
    expect(redactUrl('/hls/abc/360p/index.m3u8?_HLS_msn=3&exp=17&sig=0a1b')).toBe('/hls/abc/360p/index.m3u8?_HLS_msn=3&exp=17&sig=[redacted]');
  });
});

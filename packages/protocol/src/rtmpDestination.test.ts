import { describe, expect, it } from 'vitest';
import { RtmpDestinationSchema, StartRtmpBroadcastsBodySchema } from './index.js';

const KEY = 'sk_live_do_not_echo_42';
const parse = (destination: Record<string, unknown>) => RtmpDestinationSchema.safeParse({ name: 'yt', ...destination });

describe('RTMP destinations (finding 3 and 15 of issue 9)', () => {
  it('lower-cases the scheme, so RTMP:// reaches FFmpeg as rtmp://', () => {
    expect(parse({ stream_url: 'RTMP://a.rtmp.youtube.com/live2' }).data?.stream_url).toBe('rtmp://a.rtmp.youtube.com/live2');
    expect(parse({ stream_url: 'RtmpS://Live.Example:443/App' }).data?.stream_url).toBe('rtmps://Live.Example:443/App');
    const body = StartRtmpBroadcastsBodySchema.parse({ broadcasts: [{ name: 'a', stream_url: 'RTMP://h/live', stream_key: 'k' }] });
    expect(body.broadcasts[0]?.stream_url).toBe('rtmp://h/live');
  });

  it('refuses user info, control characters and spaces in a stream URL', () => {
    for (const stream_url of [
      'rtmp://user:pass@host/live', 'rtmp://user@host/live', 'rtmps://:secret@host:443/app',
      'rtmp://host/live\u0000x', 'rtmp://host/live\r\nx', 'rtmp://host/li ve', 'rtmp://host/live\u007f', 'rtmp://hóst/live',
      `rtmp://host/${'a'.repeat(900)}`, 'rtmp://host:abc/live', 'rtmp://host:70000/live', 'rtmp://host:0/live', 'rtmp://[::1/live',
    ]) {
      expect(parse({ stream_url }).success, JSON.stringify(stream_url)).toBe(false);
    }
    // An `@` in the path is not user info; IPv6 literals, ports and bare hosts are fine.
    for (const stream_url of ['rtmp://host/live/a@b', 'rtmp://[::1]:1935/live', 'rtmps://h:443', 'rtmp://h?x=1']) {
      expect(parse({ stream_url }).success, stream_url).toBe(true);
    }
  });

  it('accepts printable keys up to 512 characters and nothing else, without echoing them', () => {
    for (const stream_key of [KEY, 'FB-123?s_bl=1&s_ps=1&a=Ab_cD', '~!@#$%^&*()_+', 'k'.repeat(512)]) {
      expect(parse({ stream_url: 'rtmp://h/live', stream_key }).success, stream_key).toBe(true);
    }
    for (const stream_key of ['', `${KEY}\u0000`, `${KEY}\n`, `${KEY}\rx`, `${KEY} x`, `\t${KEY}`, `${KEY}é`, 'k'.repeat(513)]) {
      const result = parse({ stream_url: 'rtmp://h/live', stream_key });
      expect(result.success, JSON.stringify(stream_key)).toBe(false);
      expect(JSON.stringify(result.error?.issues)).not.toContain(KEY);
    }
  });
});

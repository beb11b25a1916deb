import { describe, expect, it } from 'vitest';
import { carriedKinds, grantedKinds, mediaServerUrls, rtmsBaseUrl, signalingUrl } from './serverUrls.js';

describe('rtmsBaseUrl', () => {
  it('prefers PUBLIC_URL, mapping http(s) to ws(s) and keeping a path prefix', () => {
    expect(rtmsBaseUrl({ publicUrl: 'https://rc.example.com', host: 'evil.test', encrypted: false })).toBe('wss://rc.example.com');
    expect(rtmsBaseUrl({ publicUrl: 'http://10.0.0.5:8080/roomcast', encrypted: true })).toBe('ws://10.0.0.5:8080/roomcast');
  });

  it('uses the Host the app connected with, ws or wss by the connection', () => {
    expect(rtmsBaseUrl({ host: '127.0.0.1:3000', encrypted: false })).toBe('ws://127.0.0.1:3000');
    expect(rtmsBaseUrl({ host: 'rc.example.com', encrypted: true })).toBe('wss://rc.example.com');
    expect(rtmsBaseUrl({ host: '[::1]:3000', encrypted: false })).toBe('ws://[::1]:3000');
  });

  it('ignores a Host that is not a plain host[:port], using the local address instead', () => {
    for (const host of ['evil.test/path?x=1', 'a b', 'x@evil.test', 'evil.test:3000/', '']) {
      expect(rtmsBaseUrl({ host, encrypted: false, localAddress: '127.0.0.1', localPort: 4000 })).toBe('ws://127.0.0.1:4000');
    }
    expect(rtmsBaseUrl({ encrypted: false, localAddress: '::1', localPort: 4000 })).toBe('ws://[::1]:4000');
  });
});

describe('server URLs', () => {
  it('lists the signaling URL and one media URL per carried kind, with its media_type', () => {
    expect(signalingUrl('ws://h:1')).toBe('ws://h:1/rtms/signaling');
    expect(mediaServerUrls('ws://h:1', ['audio', 'transcript'])).toEqual({
      all: 'ws://h:1/rtms/media',
      audio: 'ws://h:1/rtms/media?media_type=1',
      transcript: 'ws://h:1/rtms/media?media_type=8',
    });
  });

  it('carriedKinds reads the stream info', () => {
    expect(carriedKinds({ audio: {}, video: null, transcript: true })).toEqual(['audio', 'transcript']);
    expect(carriedKinds({ audio: null, video: {}, transcript: false })).toEqual(['video']);
  });

  it('grants the handshake bits, else the URL query, else everything carried; never what is not carried', () => {
    const carried = ['audio', 'video'] as const;
    expect([...grantedKinds(carried, undefined, undefined)]).toEqual(['audio', 'video']);
    expect([...grantedKinds(carried, 32, '1')]).toEqual(['audio', 'video']);
    expect([...grantedKinds(carried, undefined, '2')]).toEqual(['video']);
    expect([...grantedKinds(carried, 1, '2')]).toEqual(['audio']);
    expect([...grantedKinds(carried, 8, undefined)]).toEqual([]);
    expect([...grantedKinds(carried, undefined, 'x')]).toEqual(['audio', 'video']);
    expect([...grantedKinds(carried, undefined, ['1', '2'])]).toEqual(['audio', 'video']);
  });
});

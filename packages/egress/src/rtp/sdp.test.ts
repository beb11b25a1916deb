import { describe, expect, it } from 'vitest';
import { buildSdp } from './sdp.js';

describe('buildSdp', () => {
  it("gives an SRTP tap's key to FFmpeg (a=crypto, SAVPF) and refuses a suite or key of another shape", () => {
    const vp8 = { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 1 }] };
    const keyBase64 = Buffer.alloc(30, 7).toString('base64');
    const sdp = buildSdp({ kind: 'video', rtpPort: 50000, rtpParameters: vp8, srtp: { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64 } });
    expect(sdp).toContain('m=video 50000 RTP/SAVPF 101\r\n');
    expect(sdp).toContain(`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${keyBase64}\r\n`);
    expect(buildSdp({ kind: 'video', rtpPort: 50000, rtpParameters: vp8 })).not.toContain('a=crypto');
    for (const srtp of [{ cryptoSuite: 'NULL', keyBase64 }, { cryptoSuite: 'AES_CM_128_HMAC_SHA1_80', keyBase64: `${keyBase64}\r\nc=IN IP4 10.0.0.1` }]) {
      expect(() => buildSdp({ kind: 'video', rtpPort: 50000, rtpParameters: vp8, srtp })).toThrow(/SRTP/);
    }
  });

  it('describes a VP8 consumer on the given port', () => {
    const sdp = buildSdp({
      kind: 'video',
      rtpPort: 50000,
      rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 1 }] },
    });
    expect(sdp).toContain('m=video 50000 RTP/AVPF 101\r\n');
    expect(sdp).toContain('a=rtcp:50001\r\n');
    expect(sdp).toContain('a=rtpmap:101 VP8/90000\r\n');
    expect(sdp).not.toContain('a=fmtp');
  });

  it('gives Opus its channels and H264 its packetization mode', () => {
    const opus = buildSdp({
      kind: 'audio',
      rtpPort: 50010,
      rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [] },
    });
    expect(opus).toContain('a=rtpmap:100 opus/48000/2');
    const h264 = buildSdp({
      kind: 'video',
      rtpPort: 50020,
      rtpParameters: {
        codecs: [{ mimeType: 'video/H264', payloadType: 107, clockRate: 90000, parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f' } }],
        encodings: [],
      },
    });
    expect(h264).toContain('a=fmtp:107 packetization-mode=1;profile-level-id=42e01f');
  });

  it('keeps only allowed fmtp keys with well-formed values: an injected c= line never reaches FFmpeg', () => {
    const sdp = buildSdp({
      kind: 'video',
      rtpPort: 50030,
      rtpParameters: {
        codecs: [
          {
            mimeType: 'video/H264',
            payloadType: 107,
            clockRate: 90000,
            parameters: {
              'packetization-mode': '1\r\nc=IN IP4 203.0.113.9',
              'profile-level-id': '42e01f',
              'level-asymmetry-allowed': 1,
              'x-injected': 'a\r\nm=video 9 RTP/AVP 96',
              'sprop-parameter-sets': 'Z0LAH;a=x',
            },
          },
        ],
        encodings: [],
      },
    });
    expect(sdp).toContain('a=fmtp:107 profile-level-id=42e01f;level-asymmetry-allowed=1\r\n');
    expect(sdp.match(/^c=/gm)).toEqual(['c=']);
    expect(sdp.match(/^m=/gm)).toHaveLength(1);
    expect(sdp).not.toContain('203.0.113.9');
    expect(sdp).not.toContain('x-injected');
  });

  it('drops values with CR, LF, ";" or anything but the expected shape, per codec', () => {
    const opus = (parameters: Record<string, unknown>) =>
      buildSdp({ kind: 'audio', rtpPort: 50040, rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, parameters }], encodings: [] } });
    expect(opus({ useinbandfec: 1, 'sprop-stereo': 1, minptime: 10, usedtx: 0, maxplaybackrate: 48000, stereo: 1 })).toContain(
      'a=fmtp:100 minptime=10;useinbandfec=1;stereo=1;sprop-stereo=1;usedtx=0;maxplaybackrate=48000\r\n',
    );
    for (const bad of ['1;stereo=1', '1\n', '\r1', '2', 'yes', -1, 1.5, { a: 1 }]) {
      expect(opus({ useinbandfec: bad }), String(bad)).not.toContain('a=fmtp');
    }
    const vp9 = buildSdp({ kind: 'video', rtpPort: 50050, rtpParameters: { codecs: [{ mimeType: 'video/VP9', payloadType: 103, clockRate: 90000, parameters: { 'profile-id': 2 } }], encodings: [] } });
    expect(vp9).toContain('a=fmtp:103 profile-id=2\r\n');
    const vp8 = buildSdp({ kind: 'video', rtpPort: 50060, rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, parameters: { 'profile-id': 0 } }], encodings: [] } });
    expect(vp8).not.toContain('a=fmtp');
  });

  it('refuses codecs, names and numbers it cannot describe safely', () => {
    const video = (codec: Record<string, unknown>) => () =>
      buildSdp({ kind: 'video', rtpPort: 50070, rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, ...codec }], encodings: [] } as never });
    expect(video({ mimeType: 'video/AV1X' })).toThrow();
    expect(video({ mimeType: 'video/VP8\r\nc=IN IP4 203.0.113.9' })).toThrow();
    expect(video({ payloadType: 128 })).toThrow();
    expect(video({ clockRate: '90000\r\na=x' })).toThrow();
    expect(video({})).not.toThrow();
  });
});

import { describe, expect, it } from 'vitest';
import { buildSdp } from './sdp.js';

describe('buildSdp', () => {
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
});

import { describe, expect, it } from 'vitest';
import { audioDecoderArgs, videoDecoderArgs } from './decoderArgs.js';

const valueOf = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('decoder arguments', () => {
  it('bind the RTP and RTCP sockets to loopback, as an input option of the SDP demuxer', () => {
    for (const args of [videoDecoderArgs({ sdpPath: '/tmp/x/input.sdp', width: 320, height: 180 }), audioDecoderArgs('/tmp/x/input.sdp')]) {
      expect(valueOf(args, '-localaddr')).toBe('127.0.0.1');
      expect(args.indexOf('-localaddr')).toBeLessThan(args.indexOf('-i'));
      // filter_src would connect() the socket to its own port: mediasoup's packets would be dropped.
      expect(args).not.toContain('-sdp_flags');
    }
  });
});

import { describe, expect, it } from 'vitest';
import { audioDecoderArgs, boundTo, videoDecoderArgs } from './decoderArgs.js';
import { opusCopyArgs } from './mediaStreamArgs.js';

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

  it('bind where EGRESS_RTP_LISTEN_IP says on an egress node of another host, nothing else changed', () => {
    for (const args of [audioDecoderArgs('/tmp/x/input.sdp'), opusCopyArgs('/tmp/x/input.sdp')]) {
      const bound = boundTo(args, '10.0.4.7');
      expect(valueOf(bound, '-localaddr')).toBe('10.0.4.7');
      expect(bound.filter((a) => a !== '10.0.4.7')).toEqual(args.filter((a) => a !== '127.0.0.1'));
    }
    expect(() => boundTo(['-i', 'x.flv'], '10.0.4.7')).toThrow(/-localaddr/);
  });
});

import { describe, expect, it } from 'vitest';
import { rateInbound, rateOutbound, readInbound, readOutbound } from './connectionQuality.js';

const report = (...stats: Array<Record<string, unknown>>) => new Map(stats.map((s, i) => [String(i), s]));

describe('connection quality', () => {
  it('sums inbound streams and keeps the worst jitter', () => {
    const stats = report(
      { type: 'inbound-rtp', packetsReceived: 100, packetsLost: 2, jitter: 0.01 },
      { type: 'inbound-rtp', packetsReceived: 50, packetsLost: 1, jitter: 0.04 },
      { type: 'candidate-pair', packetsReceived: 999 },
    );
    expect(readInbound(stats)).toEqual({ packetsReceived: 150, packetsLost: 3, jitter: 0.04 });
    expect(readInbound(report({ type: 'transport' }))).toBeUndefined();
  });

  it('rates the loss of the last interval, not of the whole call', () => {
    const before = { packetsReceived: 1000, packetsLost: 200, jitter: 0.005 };
    expect(rateInbound(undefined, before)).toBe('poor');
    expect(rateInbound(before, { packetsReceived: 1500, packetsLost: 200, jitter: 0.005 })).toBe('good');
    expect(rateInbound(before, { packetsReceived: 1100, packetsLost: 205, jitter: 0.005 })).toBe('fair');
    expect(rateInbound(before, { packetsReceived: 1100, packetsLost: 230, jitter: 0.005 })).toBe('poor');
  });

  it('lets jitter lower the level, and says unknown when nothing flowed', () => {
    const before = { packetsReceived: 100, packetsLost: 0, jitter: 0 };
    expect(rateInbound(before, { packetsReceived: 200, packetsLost: 0, jitter: 0.05 })).toBe('fair');
    expect(rateInbound(before, { packetsReceived: 200, packetsLost: 0, jitter: 0.2 })).toBe('poor');
    expect(rateInbound(before, before)).toBe('unknown');
  });

  it('rates sending from what the server reports back', () => {
    const stats = report(
      { type: 'remote-inbound-rtp', fractionLost: 0, roundTripTime: 0.02 },
      { type: 'remote-inbound-rtp', fractionLost: 0.05, roundTripTime: 0.04 },
    );
    expect(readOutbound(stats)).toEqual({ fractionLost: 0.05, roundTripTime: 0.04 });
    expect(rateOutbound({ fractionLost: 0, roundTripTime: 0.05 })).toBe('good');
    expect(rateOutbound({ fractionLost: 0.05, roundTripTime: 0.05 })).toBe('fair');
    expect(rateOutbound({ fractionLost: 0, roundTripTime: 0.9 })).toBe('poor');
  });
});

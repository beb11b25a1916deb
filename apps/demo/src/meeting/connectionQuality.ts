/**
 * A connection-quality level from WebRTC statistics, kept modest: packet loss and jitter of what we
 * receive from someone, loss and round-trip time the server reports for what we send. It reflects
 * the path between that browser and the server as seen from here, not a full end-to-end picture.
 */
export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

/** Cumulative receive counters of one track (`inbound-rtp`, summed over its streams). */
export interface InboundSample {
  packetsReceived: number;
  packetsLost: number;
  /** Seconds, the worst stream's. */
  jitter: number;
}

/** What the server says about our sending (`remote-inbound-rtp`), worst simulcast layer. */
export interface OutboundSample {
  fractionLost: number;
  /** Seconds. */
  roundTripTime: number;
}

type StatsLike = { forEach(callback: (value: Record<string, unknown>) => void): void };

const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

export function readInbound(report: StatsLike): InboundSample | undefined {
  let sample: InboundSample | undefined;
  report.forEach((stat) => {
    if (stat.type !== 'inbound-rtp') return;
    sample ??= { packetsReceived: 0, packetsLost: 0, jitter: 0 };
    sample.packetsReceived += num(stat.packetsReceived);
    sample.packetsLost += Math.max(0, num(stat.packetsLost));
    sample.jitter = Math.max(sample.jitter, num(stat.jitter));
  });
  return sample;
}

export function readOutbound(report: StatsLike): OutboundSample | undefined {
  let sample: OutboundSample | undefined;
  report.forEach((stat) => {
    if (stat.type !== 'remote-inbound-rtp') return;
    sample ??= { fractionLost: 0, roundTripTime: 0 };
    sample.fractionLost = Math.max(sample.fractionLost, num(stat.fractionLost));
    sample.roundTripTime = Math.max(sample.roundTripTime, num(stat.roundTripTime));
  });
  return sample;
}

function level(loss: number, good: boolean, fair: boolean): QualityLevel {
  if (loss < 0.02 && good) return 'good';
  if (loss < 0.08 && fair) return 'fair';
  return 'poor';
}

/** Loss over the interval since `previous` (or since the start), and the current jitter. */
export function rateInbound(previous: InboundSample | undefined, current: InboundSample): QualityLevel {
  const received = current.packetsReceived - (previous?.packetsReceived ?? 0);
  const lost = current.packetsLost - (previous?.packetsLost ?? 0);
  if (received + lost <= 0) return 'unknown'; // Nothing flowed (muted, or just subscribed).
  const loss = Math.max(0, lost) / (received + Math.max(0, lost));
  return level(loss, current.jitter < 0.03, current.jitter < 0.1);
}

export function rateOutbound(sample: OutboundSample): QualityLevel {
  return level(sample.fractionLost, sample.roundTripTime < 0.3, sample.roundTripTime < 0.6);
}

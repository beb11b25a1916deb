import type { ms } from '@roomcast/sfu';

/*
 * Beep onsets for the media-stream latency benchmark (bench/mediaStreams.ts). The publishers beep
 * 100 ms of 1 kHz every 2 s and are silent in between (avMarks.ts); an onset is the first loud
 * unit (RTP packet, PCM frame) after at least QUIET_MS without one. Times are CLOCK_MONOTONIC in
 * ms: mediasoup's worker stamps its trace events with uv_hrtime() / 1e6 (DepLibUV::GetTimeMs), the
 * same clock as Node's process.hrtime in any process of this machine, so the two compare directly.
 */

/** Far longer than a beep (100 ms), far shorter than the gap between beeps (1.9 s). */
export const QUIET_MS = 1000;

/** CLOCK_MONOTONIC now, in ms (uv_hrtime, as the mediasoup worker reads it). */
export const monotonicMs = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * Opus payload bytes above which an RTP packet carries the beep: the publisher's 48 kb/s VBR Opus
 * makes a few bytes of digital silence and about 120 bytes of a 1 kHz tone at half scale.
 */
export const LOUD_OPUS_PAYLOAD_BYTES = 40;

/** RMS (in s16 units) above which a PCM frame carries the beep: about -30 dBFS; silence decodes to ~0. */
export const LOUD_PCM_RMS = 1000;

/** The first loud unit after QUIET_MS of quiet ones is an onset. */
export class OnsetDetector {
  #lastLoudAt = -Infinity;

  /** Whether a unit that arrived at `t` (loud or not) starts a beep. */
  push(loud: boolean, t: number): boolean {
    if (!loud) return false;
    const onset = t - this.#lastLoudAt >= QUIET_MS;
    this.#lastLoudAt = t;
    return onset;
  }
}

/** Root mean square of mono s16le samples. */
export function pcmRms(pcm: Buffer): number {
  const samples = pcm.length >> 1;
  let sum = 0;
  for (let i = 0; i < samples; i++) {
    const s = pcm.readInt16LE(i * 2);
    sum += s * s;
  }
  return samples === 0 ? 0 : Math.sqrt(sum / samples);
}

/**
 * Beep onsets as one producer's RTP reaches the mediasoup worker (its `rtp` trace events, stamped
 * by the worker when it handles the packet). `deliveryMs` is how long each trace event took to
 * reach Node: a check that the clocks agree (never negative) and a measure of the channel's delay.
 */
export class RtpOnsetRecorder {
  readonly onsets: number[] = [];
  readonly deliveryMs: number[] = [];
  readonly #detector = new OnsetDetector();
  readonly #onTrace = (trace: ms.ProducerTraceEventData): void => {
    if (trace.type !== 'rtp') return;
    const at = Number(trace.timestamp);
    this.deliveryMs.push(monotonicMs() - at);
    const payload = (trace.info as { payloadSize?: number }).payloadSize ?? 0;
    if (this.#detector.push(payload > LOUD_OPUS_PAYLOAD_BYTES, at)) this.onsets.push(at);
  };

  private constructor(readonly producer: ms.Producer) {}

  static async start(producer: ms.Producer): Promise<RtpOnsetRecorder> {
    const recorder = new RtpOnsetRecorder(producer);
    producer.on('trace', recorder.#onTrace);
    await producer.enableTraceEvent(['rtp']);
    return recorder;
  }

  async stop(): Promise<void> {
    this.producer.off('trace', this.#onTrace);
    if (!this.producer.closed) await this.producer.enableTraceEvent([]);
  }
}

/** The latest RTP onset at or before `t` and within QUIET_MS of it: the beep an app-side onset belongs to. */
export function sourceOnset(rtpOnsets: number[], t: number): number | undefined {
  return rtpOnsets.filter((r) => r <= t && t - r < QUIET_MS).at(-1);
}

const r1 = (n: number): number => Math.round(n * 10) / 10;

/** p50 / p95 / max (nearest rank), in ms with one decimal. */
export function latencyStats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number | null => {
    const v = sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
    return v === undefined ? null : r1(v);
  };
  return { samples: sorted.length, min: at(0.0001), p50: at(0.5), p95: at(0.95), max: sorted.length ? r1(sorted.at(-1)!) : null };
}

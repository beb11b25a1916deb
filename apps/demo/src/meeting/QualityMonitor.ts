import type { LocalParticipant, RemoteParticipant, Room } from '@roomcast/client';
import { rateInbound, rateOutbound, readInbound, readOutbound, type InboundSample, type QualityLevel } from './connectionQuality.js';

const INTERVAL_MS = 3000;

/**
 * Samples WebRTC statistics every few seconds and reports a quality level per participant: for
 * others, what we receive from them (loss, jitter); for us, what the server reports about what we
 * send. Video is preferred (it suffers first); a muted track sends nothing, so audio is used then.
 */
export class QualityMonitor {
  readonly #previous = new Map<string, InboundSample>();
  readonly #timer: ReturnType<typeof setInterval>;
  #busy = false;

  constructor(
    private readonly room: Room,
    private readonly report: (participantId: string, level: QualityLevel) => void,
  ) {
    this.#timer = setInterval(() => void this.#sample(), INTERVAL_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async #sample(): Promise<void> {
    if (this.#busy || this.room.connectionState !== 'connected') return;
    this.#busy = true;
    try {
      await Promise.all([this.#sampleLocal(this.room.localParticipant), ...this.room.participants.map((p) => this.#sampleRemote(p))]);
    } finally {
      this.#busy = false;
    }
  }

  async #sampleRemote(participant: RemoteParticipant): Promise<void> {
    const track = [participant.track('camera'), participant.track('microphone')].find((t) => t && !t.muted);
    const stats = await track?.getStats().catch(() => undefined);
    const sample = stats && readInbound(stats);
    if (!track || !sample) return this.report(participant.id, 'unknown');
    // Keyed by consumer: after a reconnect the counters start again from zero.
    const previous = this.#previous.get(track.consumerId);
    this.#previous.set(track.consumerId, sample);
    const level = rateInbound(previous, sample);
    if (level !== 'unknown' || !previous) this.report(participant.id, level);
  }

  async #sampleLocal(participant: LocalParticipant): Promise<void> {
    if (!participant.id) return;
    const track = [participant.track('camera'), participant.track('microphone')].find((t) => t && !t.muted);
    const stats = await track?.getStats().catch(() => undefined);
    const sample = stats && readOutbound(stats);
    this.report(participant.id, sample ? rateOutbound(sample) : 'unknown');
  }
}

import { AudioMixer } from '../../composite/AudioMixer.js';
import type { AudioFormat, AudioFrame } from '../types.js';
import { MixOpusEncoder } from './MixOpusEncoder.js';
import { FRAME_MS, pcmFrameBytes } from './PcmFramer.js';
import { SpeechDetector } from './SpeechDetector.js';

/** Subscribes to every microphone of the room as PCM at `sampleRate`; returns unsubscribe. */
export type SubscribePcm = (sampleRate: AudioFormat['sample_rate'], listener: (frame: AudioFrame, producerId: string) => void) => () => void;

/**
 * A late timer (a busy event loop) is caught up frame by frame, so the app's audio stays
 * continuous; after a stall longer than this (1 s), skip ahead instead of sending a burst.
 */
const MAX_CATCH_UP_FRAMES = 50;

export interface RoomMixOptions {
  format: AudioFormat;
  subscribePcm: SubscribePcm;
  onFrame: (frame: AudioFrame) => void;
  onError?: (error: unknown) => void;
}

/**
 * The room's mix in one format: every microphone's PCM summed (AudioMixer) on a 20 ms clock of its
 * own, so a frame goes out every 20 ms, silence included, whoever sends. Opus is encoded from the
 * mixed PCM by one FFmpeg. Lives while someone listens; the owner (AudioHub) closes it.
 */
export class RoomMix {
  readonly #sampleRate: AudioFormat['sample_rate'];
  readonly #mixer: AudioMixer;
  readonly #detector = new SpeechDetector();
  readonly #unsubscribe: () => void;
  readonly #encoder: MixOpusEncoder | undefined;
  readonly #startedAt = performance.now();
  #ticks = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(readonly options: RoomMixOptions) {
    const opus = options.format.codec === 'opus';
    // Opus is always coded at 48 kHz: mix at that rate and let the encoder take it as is.
    this.#sampleRate = opus ? 48_000 : options.format.sample_rate;
    this.#mixer = new AudioMixer(this.#sampleRate);
    if (opus) {
      this.#encoder = new MixOpusEncoder(this.#sampleRate, (packet) => this.#emit(packet, this.#detector.speaking), options.onError);
    }
    this.#unsubscribe = options.subscribePcm(this.#sampleRate, (frame, producerId) => this.#mixer.push(producerId, frame.data));
    this.#schedule();
  }

  /** Encoder pid, for tests that count processes. */
  get encoderPid(): number | undefined {
    return this.#encoder?.pid;
  }

  /** That microphone is gone: its queued audio is dropped. */
  forget(producerId: string): void {
    this.#mixer.remove(producerId);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#unsubscribe();
    await this.#encoder?.close();
  }

  /** Drift-free: each tick is due at start + n·20 ms, whatever the timer's own lateness. */
  #schedule(): void {
    const next = this.#startedAt + (this.#ticks + 1) * FRAME_MS;
    this.#timer = setTimeout(() => this.#tick(), Math.max(0, next - performance.now()));
  }

  #tick(): void {
    if (this.#closed) return;
    const due = Math.floor((performance.now() - this.#startedAt) / FRAME_MS);
    if (due - this.#ticks > MAX_CATCH_UP_FRAMES) this.#ticks = due - 1;
    const samples = pcmFrameBytes(this.#sampleRate, FRAME_MS) / 2;
    while (this.#ticks < due && !this.#closed) {
      this.#ticks++;
      const pcm = this.#mixer.mix(samples);
      const speech = this.#detector.push(pcm, FRAME_MS);
      if (this.#encoder) this.#encoder.write(pcm);
      else this.#emit(pcm, speech);
    }
    if (!this.#closed) this.#schedule();
  }

  #emit(data: Buffer, speech: boolean): void {
    if (this.#closed) return;
    this.options.onFrame({ participantId: null, data, timestamp: Date.now(), speech });
  }
}

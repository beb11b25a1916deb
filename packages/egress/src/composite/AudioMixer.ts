import { AudioJitterBuffer } from './AudioJitterBuffer.js';

export const SAMPLE_RATE = 48_000;
export const BYTES_PER_SAMPLE = 2;
/**
 * Audio held back per input by default (ms): enough to ride out a late chunk without a gap. The
 * compositor asks for more, to line sound up with its pictures (see Compositor's AUDIO_DELAY_MS).
 */
export const DEFAULT_AUDIO_DELAY_MS = 20;

/**
 * Mixes every microphone into one mono track by summing samples with clipping. A plain sum is
 * what a conference mix wants (each voice at its own level); clipping only bites when several
 * people shout at once. Hand-written: it is one loop, and no npm library mixes live PCM streams.
 */
export class AudioMixer {
  readonly #inputs = new Map<string, AudioJitterBuffer>();

  /**
   * `sampleRate` only turns ms into samples: the mixer sums samples whatever their rate. Each
   * input is played `delayMs` after it arrives, a delay that stays constant (AudioJitterBuffer).
   */
  constructor(
    readonly sampleRate = SAMPLE_RATE,
    readonly delayMs = DEFAULT_AUDIO_DELAY_MS,
  ) {}

  push(key: string, pcm: Buffer): void {
    let input = this.#inputs.get(key);
    if (!input) {
      input = new AudioJitterBuffer({ sampleRate: this.sampleRate, delayMs: this.delayMs });
      this.#inputs.set(key, input);
    }
    input.push(pcm);
  }

  remove(key: string): void {
    this.#inputs.delete(key);
  }

  /** The next `samples` samples of the mix: silence when nobody speaks. */
  mix(samples: number): Buffer {
    const bytes = samples * BYTES_PER_SAMPLE;
    const out = Buffer.alloc(bytes);
    if (this.#inputs.size === 0) return out;
    const acc = new Int32Array(samples);
    for (const input of this.#inputs.values()) {
      const pcm = input.take(bytes);
      // Typed-array views (little-endian hosts, as every supported platform is) instead of readInt16LE per sample.
      const view = new Int16Array(pcm.buffer, pcm.byteOffset, samples);
      for (let i = 0; i < samples; i++) acc[i]! += view[i]!;
    }
    const mixed = new Int16Array(out.buffer, out.byteOffset, samples);
    for (let i = 0; i < samples; i++) mixed[i] = Math.max(-32768, Math.min(32767, acc[i]!));
    return out;
  }
}

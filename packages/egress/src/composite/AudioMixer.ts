export const SAMPLE_RATE = 48_000;
export const BYTES_PER_SAMPLE = 2;
/** More queued than this and the oldest audio is dropped, so a stalled input cannot add delay. */
const MAX_QUEUED_MS = 200;

/** One participant's decoded audio waiting to be mixed: mono s16le at 48 kHz. */
class AudioInput {
  #queue: Buffer[] = [];
  #queued = 0;

  push(pcm: Buffer): void {
    this.#queue.push(pcm);
    this.#queued += pcm.length;
    const limit = (SAMPLE_RATE * MAX_QUEUED_MS * BYTES_PER_SAMPLE) / 1000;
    while (this.#queued > limit && this.#queue.length > 1) this.#queued -= this.#queue.shift()!.length;
  }

  /** Takes up to `bytes` bytes; fewer when the input is late (the gap is silence). */
  take(bytes: number): Buffer {
    const out = Buffer.alloc(bytes);
    let filled = 0;
    while (filled < bytes && this.#queue.length) {
      const head = this.#queue[0]!;
      const n = Math.min(head.length, bytes - filled);
      head.copy(out, filled, 0, n);
      filled += n;
      if (n === head.length) this.#queue.shift();
      else this.#queue[0] = head.subarray(n);
    }
    this.#queued -= filled;
    return out;
  }
}

/**
 * Mixes every microphone into one mono track by summing samples with clipping. A plain sum is
 * what a conference mix wants (each voice at its own level); clipping only bites when several
 * people shout at once. Hand-written: it is one loop, and no npm library mixes live PCM streams.
 */
export class AudioMixer {
  readonly #inputs = new Map<string, AudioInput>();

  push(key: string, pcm: Buffer): void {
    let input = this.#inputs.get(key);
    if (!input) {
      input = new AudioInput();
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

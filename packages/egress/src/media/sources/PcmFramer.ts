/** Every media stream audio frame lasts this long. */
export const FRAME_MS = 20;

/**
 * Cuts a PCM byte stream into frames of exactly `frameBytes` (20 ms each for the media streams),
 * whatever sizes the pipe delivers: the remainder waits for the next chunk. Each frame is a fresh
 * Buffer the listener may keep.
 */
export class PcmFramer {
  #pending: Buffer;
  #filled = 0;

  constructor(
    readonly frameBytes: number,
    readonly onFrame: (frame: Buffer) => void,
  ) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0 || frameBytes % 2 !== 0) {
      throw new Error(`a PCM frame must be a positive even number of bytes, not ${frameBytes}`);
    }
    this.#pending = Buffer.alloc(frameBytes);
  }

  /** Bytes waiting for the rest of their frame. */
  get buffered(): number {
    return this.#filled;
  }

  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(this.frameBytes - this.#filled, chunk.length - offset);
      chunk.copy(this.#pending, this.#filled, offset, offset + n);
      this.#filled += n;
      offset += n;
      if (this.#filled === this.frameBytes) {
        const frame = this.#pending;
        this.#pending = Buffer.alloc(this.frameBytes);
        this.#filled = 0;
        this.onFrame(frame);
      }
    }
  }

  /** Drops a partial frame (the decoder restarted: its samples would not join the next ones). */
  reset(): void {
    this.#filled = 0;
  }
}

/** Bytes of one frame of mono s16le PCM lasting `ms` at `sampleRate`. */
export function pcmFrameBytes(sampleRate: number, ms = FRAME_MS): number {
  return Math.round((sampleRate * ms) / 1000) * 2;
}

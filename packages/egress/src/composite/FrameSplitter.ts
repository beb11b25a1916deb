/**
 * Cuts a raw video byte stream into whole frames of a fixed size (pipes deliver arbitrary chunks).
 * Each byte is copied once, straight into the frame it belongs to, and two buffers alternate: the
 * newest whole frame stays readable while the next one fills the other buffer. The compositor
 * reads frames synchronously between chunks, so it never sees a half-written one.
 */
export class FrameSplitter {
  readonly #buffers: [Buffer, Buffer];
  #back = 0;
  #filled = 0;

  constructor(readonly frameSize: number) {
    this.#buffers = [Buffer.allocUnsafe(frameSize), Buffer.allocUnsafe(frameSize)];
  }

  /** Returns the last complete frame in the chunk, if any: only the newest frame matters for compositing. */
  push(chunk: Buffer): Buffer | undefined {
    let done: Buffer | undefined;
    let offset = 0;
    while (offset < chunk.length) {
      const back = this.#buffers[this.#back]!;
      const n = Math.min(chunk.length - offset, this.frameSize - this.#filled);
      chunk.copy(back, this.#filled, offset, offset + n);
      this.#filled += n;
      offset += n;
      if (this.#filled === this.frameSize) {
        done = back;
        this.#back = 1 - this.#back;
        this.#filled = 0;
      }
    }
    return done;
  }
}

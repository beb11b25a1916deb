/**
 * Cuts a raw video byte stream into whole frames of a fixed size (pipes deliver arbitrary chunks).
 * Each byte is copied once, straight into the frame it belongs to: at 30 fps per decoder this is
 * the compositor's hottest path.
 */
export class FrameSplitter {
  #frame: Buffer;
  #filled = 0;

  constructor(readonly frameSize: number) {
    this.#frame = Buffer.allocUnsafe(frameSize);
  }

  /** Returns the last complete frame in the chunk, if any: only the newest frame matters for compositing. */
  push(chunk: Buffer): Buffer | undefined {
    let done: Buffer | undefined;
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(chunk.length - offset, this.frameSize - this.#filled);
      chunk.copy(this.#frame, this.#filled, offset, offset + n);
      this.#filled += n;
      offset += n;
      if (this.#filled === this.frameSize) {
        done = this.#frame;
        this.#frame = Buffer.allocUnsafe(this.frameSize);
        this.#filled = 0;
      }
    }
    return done;
  }
}

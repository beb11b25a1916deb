/**
 * Cuts a raw video byte stream into whole frames of a fixed size, like FrameSplitter, but hands
 * out a frame only when its bytes differ from the last one handed out. x11grab grabs every frame
 * whether the page changed or not; a repeated picture keeps the previous buffer (and so the
 * compositor's "unchanged" shortcut) at the cost of one memcmp. The buffer handed out is never
 * written again until a different frame replaces it, so a reader never sees a half-written one.
 */
export class ChangedFrameSplitter {
  #front: Buffer | undefined;
  #back: Buffer;
  #filled = 0;
  /** Whole frames seen, changed or not. */
  frames = 0;

  constructor(readonly frameSize: number) {
    this.#back = Buffer.allocUnsafe(frameSize);
  }

  /** The last frame handed out (or held back as unchanged since). */
  get current(): Buffer | undefined {
    return this.#front;
  }

  /** The newest whole frame of the chunk when it differs from the last one returned; else undefined. */
  push(chunk: Buffer): Buffer | undefined {
    let changed: Buffer | undefined;
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(chunk.length - offset, this.frameSize - this.#filled);
      chunk.copy(this.#back, this.#filled, offset, offset + n);
      this.#filled += n;
      offset += n;
      if (this.#filled < this.frameSize) continue;
      this.#filled = 0;
      this.frames++;
      if (this.#front?.equals(this.#back)) continue;
      const previous = this.#front;
      this.#front = this.#back;
      this.#back = previous ?? Buffer.allocUnsafe(this.frameSize);
      changed = this.#front;
    }
    return changed;
  }
}

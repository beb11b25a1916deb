/** Cuts a raw video byte stream into whole frames of a fixed size (pipes deliver arbitrary chunks). */
export class FrameSplitter {
  #parts: Buffer[] = [];
  #length = 0;

  constructor(readonly frameSize: number) {}

  /** Returns the last complete frame in the chunk, if any: only the newest frame matters for compositing. */
  push(chunk: Buffer): Buffer | undefined {
    this.#parts.push(chunk);
    this.#length += chunk.length;
    if (this.#length < this.frameSize) return undefined;
    const all = Buffer.concat(this.#parts, this.#length);
    const frames = Math.floor(all.length / this.frameSize);
    const lastStart = (frames - 1) * this.frameSize;
    const frame = Buffer.from(all.subarray(lastStart, lastStart + this.frameSize));
    const rest = all.subarray(frames * this.frameSize);
    this.#parts = rest.length ? [Buffer.from(rest)] : [];
    this.#length = rest.length;
    return frame;
  }
}

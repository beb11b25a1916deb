/**
 * Reuses the compositor's output buffers. A 720p picture is 1.4 MB and 30 of them a second,
 * allocated fresh, keep V8's garbage collector busy for a tenth of a core; recycling them costs
 * nothing. A buffer goes back to the pool when every holder (the compositor, each queued pipe
 * write of it) has released it, so a picture is never overwritten while still queued.
 */
export class FramePool {
  readonly #free: Buffer[] = [];
  readonly #refs = new Map<Buffer, number>();

  constructor(
    readonly frameBytes: number,
    readonly keep = 8,
  ) {}

  /** A buffer of `frameBytes` with one reference (the caller's); contents are undefined. */
  acquire(): Buffer {
    const buffer = this.#free.pop() ?? Buffer.allocUnsafe(this.frameBytes);
    this.#refs.set(buffer, 1);
    return buffer;
  }

  retain(buffer: Buffer): void {
    this.#refs.set(buffer, (this.#refs.get(buffer) ?? 0) + 1);
  }

  release(buffer: Buffer): void {
    const refs = (this.#refs.get(buffer) ?? 1) - 1;
    if (refs > 0) {
      this.#refs.set(buffer, refs);
      return;
    }
    this.#refs.delete(buffer);
    if (this.#free.length < this.keep) this.#free.push(buffer);
  }

  /** Buffers currently held by someone (for tests and leak checks). */
  get inUse(): number {
    return this.#refs.size;
  }
}

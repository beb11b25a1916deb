import type { Writable } from 'node:stream';

/**
 * Hands what it is given to a stream at most once per window: the first bytes open the window, and
 * everything given until it closes goes out as one write. A relay FFmpeg wakes up, reads and
 * demuxes once per write; the encoder's output comes in bursts of small reads (a display grab's
 * every 100 ms, when the sound arrives), so a short window turns each burst into one write
 * (bench/README.md, "Web layout"). A destination sees its stream at most a window later.
 */
export class CoalescingWriter {
  #queued: Buffer[] = [];
  #queuedBytes = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    readonly out: Writable,
    readonly windowMs: number,
  ) {}

  /** Bytes not yet read by the stream's reader: queued here, and buffered in the stream. */
  get pendingBytes(): number {
    return this.#queuedBytes + this.out.writableLength;
  }

  write(bytes: Buffer): void {
    this.#queued.push(bytes);
    this.#queuedBytes += bytes.length;
    this.#timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  /** Writes what is queued now. */
  flush(): void {
    const queued = this.#take();
    if (queued.length > 0 && !this.out.destroyed) this.out.write(queued.length === 1 ? queued[0]! : Buffer.concat(queued));
  }

  /** Drops what is queued: the stream's reader is gone. */
  discard(): void {
    this.#take();
  }

  #take(): Buffer[] {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const queued = this.#queued;
    this.#queued = [];
    this.#queuedBytes = 0;
    return queued;
  }
}

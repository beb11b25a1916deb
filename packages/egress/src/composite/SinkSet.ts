import type { CompositeSink } from './Compositor.js';

/**
 * The compositor's one sink in front of every encode of a composite: each picture (the same
 * Buffer, never copied) and each audio chunk goes to every member. A picture's `written` fires
 * once, when the last member has written (or dropped) it, so the FramePool never recycles a
 * buffer another encode still has queued. Members added later get the stream from the next tick.
 */
export class SinkSet<S extends CompositeSink = CompositeSink> implements CompositeSink {
  readonly #members = new Set<S>();

  add(sink: S): void {
    this.#members.add(sink);
  }

  /** No more writes go to it; writes it has queued still call back (a stopping encoder flushes or drops them). */
  delete(sink: S): void {
    this.#members.delete(sink);
  }

  get size(): number {
    return this.#members.size;
  }

  writeVideo(frame: Buffer, written: () => void): void {
    if (this.#members.size === 0) return written();
    let pending = this.#members.size;
    const one = (): void => {
      if (--pending === 0) written();
    };
    // A copy of the set: a member removed from a callback must not change this frame's count.
    for (const sink of [...this.#members]) sink.writeVideo(frame, one);
  }

  writeAudio(pcm: Buffer): void {
    for (const sink of this.#members) sink.writeAudio(pcm);
  }
}

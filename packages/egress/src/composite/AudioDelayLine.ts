/**
 * A delay for the mixed sound, changeable while it plays: what goes in comes out `delay` samples
 * later, the same length per call. A longer delay plays silence for the difference (a gap once); a
 * shorter one skips the difference. The sound of every encoder, including one started later, lags
 * the pictures alike, since each reads the delayed stream. Hand-written: a FIFO of PCM chunks.
 */
export class AudioDelayLine {
  #queue: Buffer[] = [];
  #queued = 0;
  #delayBytes = 0;

  constructor(readonly bytesPerSample = 2) {}

  /** The delay from now on, in samples. */
  setDelay(samples: number): void {
    const bytes = Math.max(0, Math.round(samples)) * this.bytesPerSample;
    if (bytes > this.#delayBytes) this.#enqueue(Buffer.alloc(bytes - this.#delayBytes));
    else if (bytes < this.#delayBytes) this.#dequeue(this.#delayBytes - bytes);
    this.#delayBytes = bytes;
  }

  /** `pcm` in, as many bytes out: the sound of `delay` ago. */
  process(pcm: Buffer): Buffer {
    if (this.#delayBytes === 0 && this.#queued === 0) return pcm;
    this.#enqueue(pcm);
    return this.#dequeue(pcm.length);
  }

  #enqueue(pcm: Buffer): void {
    this.#queue.push(pcm);
    this.#queued += pcm.length;
  }

  /** The oldest `bytes` (fewer if fewer are queued). */
  #dequeue(bytes: number): Buffer {
    const parts: Buffer[] = [];
    let wanted = Math.min(bytes, this.#queued);
    while (wanted > 0) {
      const head = this.#queue[0]!;
      const take = Math.min(wanted, head.length);
      parts.push(head.subarray(0, take));
      if (take === head.length) this.#queue.shift();
      else this.#queue[0] = head.subarray(take);
      this.#queued -= take;
      wanted -= take;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

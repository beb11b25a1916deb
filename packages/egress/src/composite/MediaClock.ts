/**
 * Paces the compositor by the wall clock: how many video frames and audio samples should have been
 * produced by now. Timers in Node drift and jitter; counting against the start time does not, so
 * video and audio stay in step with each other and with real time.
 */
export class MediaClock {
  readonly #startedAt: number;
  #framesOut = 0;
  #samplesOut = 0;

  constructor(
    readonly fps: number,
    readonly sampleRate: number,
    readonly now: () => number = () => performance.now(),
  ) {
    this.#startedAt = now();
  }

  /** Video frames due since the last call (0, 1, or more when a tick came late). */
  framesDue(): number {
    const due = Math.floor(((this.now() - this.#startedAt) * this.fps) / 1000) + 1 - this.#framesOut;
    this.#framesOut += Math.max(0, due);
    return Math.max(0, due);
  }

  /** Audio samples due since the last call, in whole chunks of `chunk` samples. */
  samplesDue(chunk: number): number {
    const elapsed = Math.floor(((this.now() - this.#startedAt) * this.sampleRate) / 1000);
    const due = Math.floor((elapsed - this.#samplesOut) / chunk) * chunk;
    this.#samplesOut += Math.max(0, due);
    return Math.max(0, due);
  }
}

/** Mono s16le, as everything the mixer handles. */
const BYTES_PER_SAMPLE = 2;
/** Audio further ahead than delay + this is dropped at once (a burst the window would take a second to notice). */
const MAX_AHEAD_MS = 200;
/** Audio owed for longer than this means the input stopped (muted, paused): start over, primed afresh. */
const MAX_LATE_MS = 200;
/** Takes over which the delay is checked for drift (about a second of 20 ms chunks). */
const DRIFT_WINDOW_TAKES = 50;
/** A drift smaller than this is left alone: each correction is an audible click. */
const DRIFT_TOLERANCE_MS = 10;

export interface AudioJitterBufferOptions {
  sampleRate: number;
  /**
   * Audio held back after each take, in ms: the constant delay this input adds. It absorbs arrival
   * jitter up to that much without a gap, and (in the compositor) lines the sound up with pictures
   * that take longer than sound to decode and draw.
   */
  delayMs: number;
}

/**
 * One input's decoded audio on its way to the mixer, held at a constant delay. The mixer takes
 * a chunk on its own clock whether or not the audio has come: a gap is played as silence, and the
 * audio that should have filled it is dropped when it comes (it is owed, `#late`) instead of being
 * played after the silence. So a late packet, a stalled decoder or a busy event loop costs a gap,
 * never a lasting delay; only a real rate difference between sender and mixer moves the delay,
 * and a drift check puts it back.
 */
export class AudioJitterBuffer {
  readonly #queue: Buffer[] = [];
  /** Bytes in #queue. */
  #queued = 0;
  /** The odd byte of a read that split a sample, until the rest comes: every count below stays whole samples. */
  #carry: Buffer | undefined;
  /** Bytes already played as silence whose audio has not come yet: dropped when it does. */
  #late = 0;
  /** False until enough audio came to play at the delay (again after a long gap). */
  #primed = false;
  readonly #delay: number;
  readonly #maxAhead: number;
  readonly #maxLate: number;
  readonly #tolerance: number;
  /** The most audio held after a take in the current drift window (bytes; negative while late). */
  #windowMax = -Infinity;
  #windowTakes = 0;

  constructor(readonly options: AudioJitterBufferOptions) {
    const bytesPerMs = (options.sampleRate * BYTES_PER_SAMPLE) / 1000;
    const bytes = (ms: number) => Math.round((ms * bytesPerMs) / BYTES_PER_SAMPLE) * BYTES_PER_SAMPLE;
    this.#delay = bytes(options.delayMs);
    this.#maxAhead = bytes(MAX_AHEAD_MS);
    this.#maxLate = bytes(MAX_LATE_MS);
    this.#tolerance = bytes(DRIFT_TOLERANCE_MS);
  }

  /** Audio held now minus audio owed (bytes), for tests and status. */
  get held(): number {
    return this.#queued - this.#late;
  }

  push(pcm: Buffer): void {
    pcm = this.#wholeSamples(pcm);
    if (this.#late > 0) {
      const dropped = Math.min(this.#late, pcm.length);
      this.#late -= dropped;
      pcm = pcm.subarray(dropped);
      if (pcm.length === 0) return;
    }
    this.#queue.push(pcm);
    this.#queued += pcm.length;
    if (this.#queued > this.#delay + this.#maxAhead) this.#dropOldest(this.#queued - this.#delay);
  }

  /** Exactly `bytes` bytes of this input's audio, silence where it has none. */
  take(bytes: number): Buffer {
    if (!this.#primed) {
      // Wait until a chunk plus the delay is here, then play from the newest such point: a first
      // burst (a decoder starting, a backlog) must not become a lasting delay.
      if (this.#queued < bytes + this.#delay) return Buffer.alloc(bytes);
      this.#dropOldest(this.#queued - bytes - this.#delay);
      this.#primed = true;
    }
    const out = this.#read(bytes);
    this.#late += bytes - out.filled;
    if (this.#late > this.#maxLate) this.#restart();
    else this.#checkDrift(bytes);
    return out.pcm;
  }

  #wholeSamples(pcm: Buffer): Buffer {
    if (this.#carry) {
      pcm = Buffer.concat([this.#carry, pcm]);
      this.#carry = undefined;
    }
    if (pcm.length % BYTES_PER_SAMPLE === 0) return pcm;
    this.#carry = Buffer.from(pcm.subarray(pcm.length - 1));
    return pcm.subarray(0, pcm.length - 1);
  }

  #read(bytes: number): { pcm: Buffer; filled: number } {
    const pcm = Buffer.alloc(bytes);
    let filled = 0;
    while (filled < bytes && this.#queue.length) {
      const head = this.#queue[0]!;
      const n = Math.min(head.length, bytes - filled);
      head.copy(pcm, filled, 0, n);
      filled += n;
      if (n === head.length) this.#queue.shift();
      else this.#queue[0] = head.subarray(n);
    }
    this.#queued -= filled;
    return { pcm, filled };
  }

  /**
   * The most held after a take over a window is the delay (late arrivals only lower it for a
   * while), but only to a chunk: whether the last chunk came just before or just after a take
   * moves it by one take's length, so within that much (plus a tolerance) it is left alone
   * (correcting it would click back and forth). Past that, sender and mixer clocks differ (by up
   * to a few hundred ppm): drop the surplus or add silence, so the delay, and with it A/V sync,
   * stays put for hours.
   */
  #checkDrift(takeBytes: number): void {
    this.#windowMax = Math.max(this.#windowMax, this.held);
    if (++this.#windowTakes < DRIFT_WINDOW_TAKES) return;
    const error = this.#windowMax - this.#delay;
    this.#windowMax = -Infinity;
    this.#windowTakes = 0;
    const allowed = takeBytes + this.#tolerance;
    if (error > allowed) this.#dropOldest(Math.min(error, this.#queued));
    else if (error < -allowed) this.#addSilence(-error);
  }

  #dropOldest(bytes: number): void {
    let left = bytes;
    while (left > 0 && this.#queue.length) {
      const head = this.#queue[0]!;
      const n = Math.min(head.length, left);
      if (n === head.length) this.#queue.shift();
      else this.#queue[0] = head.subarray(n);
      this.#queued -= n;
      left -= n;
    }
  }

  /** More delay: first forgive owed audio (it will play after all), then queue silence in front. */
  #addSilence(bytes: number): void {
    const forgiven = Math.min(this.#late, bytes);
    this.#late -= forgiven;
    const silence = bytes - forgiven;
    if (silence <= 0) return;
    this.#queue.unshift(Buffer.alloc(silence));
    this.#queued += silence;
  }

  #restart(): void {
    this.#queue.length = 0;
    this.#queued = 0;
    this.#late = 0;
    this.#carry = undefined;
    this.#primed = false;
    this.#windowMax = -Infinity;
    this.#windowTakes = 0;
  }
}

export interface SpeechDetectorOptions {
  /**
   * RMS level (dB below full scale) above which a frame counts as speech. -45 dBFS sits above a
   * browser microphone's noise floor after its noise suppression (about -60) and well below
   * speech (-30 to -15).
   */
  thresholdDbfs?: number;
  /** Frames after the last loud one that still count as speech, so pauses between words do not cut it. */
  hangoverMs?: number;
}

export const DEFAULT_SPEECH_THRESHOLD_DBFS = -45;
export const DEFAULT_SPEECH_HANGOVER_MS = 300;

/**
 * A voice activity flag from energy alone: cheap (one pass over 20 ms of samples) and good enough
 * for "only while they speak" streams; a recognizer does the real work downstream.
 */
export class SpeechDetector {
  readonly #threshold: number;
  readonly #hangoverMs: number;
  /** Milliseconds of hangover left. */
  #remainingMs = 0;

  constructor(options: SpeechDetectorOptions = {}) {
    const dbfs = options.thresholdDbfs ?? DEFAULT_SPEECH_THRESHOLD_DBFS;
    this.#threshold = 32768 * 10 ** (dbfs / 20);
    this.#hangoverMs = options.hangoverMs ?? DEFAULT_SPEECH_HANGOVER_MS;
  }

  /** Whether this frame of mono s16le PCM (lasting `durationMs`) is speech; the state carries to the next frame. */
  push(pcm: Buffer, durationMs: number): boolean {
    if (rms(pcm) >= this.#threshold) {
      this.#remainingMs = this.#hangoverMs;
      return true;
    }
    if (this.#remainingMs <= 0) return false;
    this.#remainingMs -= durationMs;
    return true;
  }

  /** Whether the last frame was speech (or within the hangover after it). */
  get speaking(): boolean {
    return this.#remainingMs > 0;
  }
}

/** Root mean square of mono s16le samples, in sample units (0 … 32768). */
export function rms(pcm: Buffer): number {
  const samples = pcm.length >> 1;
  if (samples === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples; i++) {
    const s = pcm.readInt16LE(i * 2);
    sum += s * s;
  }
  return Math.sqrt(sum / samples);
}

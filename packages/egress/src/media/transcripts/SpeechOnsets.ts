/** Starts of speech (session ms) seen by a write-side energy check, to date the start of a segment. */
export class SpeechOnsets {
  readonly #onsets: number[] = [];
  readonly #max: number;
  #inSpeech = false;

  constructor(max = 256) {
    this.#max = max;
  }

  /** One written chunk at `atMs`, speech or not. */
  observe(atMs: number, speech: boolean): void {
    if (speech && !this.#inSpeech) {
      this.#onsets.push(atMs);
      if (this.#onsets.length > this.#max) this.#onsets.shift();
    }
    this.#inSpeech = speech;
  }

  /** The first onset in [fromMs, toMs), forgetting every onset before toMs. */
  firstBetween(fromMs: number, toMs: number): number | undefined {
    const found = this.#onsets.find((t) => t >= fromMs && t < toMs);
    while (this.#onsets.length && this.#onsets[0]! < toMs) this.#onsets.shift();
    return found;
  }
}

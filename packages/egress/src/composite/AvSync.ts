import { BYTES_PER_SAMPLE, SAMPLE_RATE } from './AudioMixer.js';

/**
 * Keeps audio in step with video when the encoder drops frames. The encoder times raw video by
 * frame count and PCM by sample count, so a dropped frame would leave the picture 1/fps behind the
 * sound for good; instead the same length of audio is skipped (a tiny glitch, but lips stay in
 * sync). Dropping only happens when the encoder is a second behind, under sustained overload.
 */
export class AvSync {
  readonly #bytesPerFrame: number;
  #bytesToSkip = 0;

  constructor(fps: number) {
    this.#bytesPerFrame = Math.round(SAMPLE_RATE / fps) * BYTES_PER_SAMPLE;
  }

  videoFrameDropped(): void {
    this.#bytesToSkip += this.#bytesPerFrame;
  }

  /** What of `pcm` still goes to the encoder, after paying back dropped frames. */
  audioToSend(pcm: Buffer): Buffer {
    if (this.#bytesToSkip === 0) return pcm;
    const skipped = Math.min(this.#bytesToSkip, pcm.length);
    this.#bytesToSkip -= skipped;
    return pcm.subarray(skipped);
  }
}

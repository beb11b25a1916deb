import { levelDbfs, DEFAULT_SPEECH_THRESHOLD_DBFS } from './speechEnergy.js';

export interface Utterance {
  /** ms since the first pushed sample: the first and last speech block (the audio has a little more around). */
  start: number;
  end: number;
  /** s16le mono: a short lead-in before the first speech block, the speech, a short tail. A copy. */
  pcm: Buffer;
}

export interface UtteranceSegmenterOptions {
  sampleRate?: number;
  thresholdDbfs?: number;
  /** This much silence after speech ends an utterance. */
  silenceMs?: number;
  /** An utterance is cut here even if the speaker goes on (a new one starts at once). */
  maxUtteranceMs?: number;
  /** Less speech than this in an utterance is a click or a cough: dropped. */
  minSpeechMs?: number;
  /** Audio kept before the first speech block and after the last one (word onsets and endings are quiet). */
  paddingMs?: number;
}

const BLOCK_MS = 20;

/**
 * Energy-based utterance segmentation for recognizers that take whole utterances (an HTTP
 * Whisper server): speech, then `silenceMs` of silence, makes one utterance. Pure: push audio,
 * get the finished utterances back. Memory is bounded by `maxUtteranceMs` of audio.
 */
export class UtteranceSegmenter {
  readonly #threshold: number;
  readonly #blockBytes: number;
  readonly #silenceBlocks: number;
  readonly #maxBlocks: number;
  readonly #minSpeechBlocks: number;
  readonly #paddingBlocks: number;
  /** Audio not yet a whole block. */
  #partial = Buffer.alloc(0);
  #blockIndex = 0;
  /** Idle: the last few blocks, for the lead-in. In an utterance: every block since its lead-in. */
  #blocks: Buffer[] = [];
  #inUtterance = false;
  #firstSpeech = 0;
  #lastSpeech = 0;
  #speechBlocks = 0;

  constructor(options: UtteranceSegmenterOptions = {}) {
    const sampleRate = options.sampleRate ?? 16_000;
    this.#threshold = options.thresholdDbfs ?? DEFAULT_SPEECH_THRESHOLD_DBFS;
    this.#blockBytes = ((sampleRate * BLOCK_MS) / 1000) * 2;
    this.#silenceBlocks = Math.ceil((options.silenceMs ?? 600) / BLOCK_MS);
    this.#maxBlocks = Math.floor((options.maxUtteranceMs ?? 15_000) / BLOCK_MS);
    this.#minSpeechBlocks = Math.ceil((options.minSpeechMs ?? 100) / BLOCK_MS);
    this.#paddingBlocks = Math.round((options.paddingMs ?? 200) / BLOCK_MS);
  }

  /** Feeds audio (any length); returns the utterances it completed, oldest first. */
  push(pcm: Buffer): Utterance[] {
    const done: Utterance[] = [];
    const data = this.#partial.length ? Buffer.concat([this.#partial, pcm]) : pcm;
    let offset = 0;
    for (; offset + this.#blockBytes <= data.length; offset += this.#blockBytes) {
      // A copy: the caller may reuse its buffer, and an utterance outlives this call.
      const block = Buffer.from(data.subarray(offset, offset + this.#blockBytes));
      const utterance = this.#onBlock(block, levelDbfs(block) >= this.#threshold);
      if (utterance) done.push(utterance);
    }
    this.#partial = Buffer.from(data.subarray(offset));
    return done;
  }

  /** Ends the utterance in progress, if any (the session is closing). */
  flush(): Utterance | undefined {
    const utterance = this.#inUtterance ? this.#finish() : undefined;
    this.#blocks = [];
    return utterance;
  }

  #onBlock(block: Buffer, speech: boolean): Utterance | undefined {
    const index = this.#blockIndex++;
    this.#blocks.push(block);
    if (!this.#inUtterance) {
      if (speech) this.#begin(index);
      else if (this.#blocks.length > this.#paddingBlocks) this.#blocks.shift();
      return undefined;
    }
    if (speech) {
      this.#lastSpeech = index;
      this.#speechBlocks++;
    }
    if (index - this.#lastSpeech >= this.#silenceBlocks) return this.#finish();
    if (this.#blocks.length >= this.#maxBlocks) {
      // Cut a long monologue; the speech goes on in a new utterance that starts with the next block.
      const utterance = this.#finish();
      this.#blocks = [];
      return utterance;
    }
    return undefined;
  }

  #begin(index: number): void {
    this.#inUtterance = true;
    this.#firstSpeech = index;
    this.#lastSpeech = index;
    this.#speechBlocks = 1;
  }

  /** Closes the utterance: its blocks up to the last speech block plus the tail; keeps the rest as lead-in. */
  #finish(): Utterance | undefined {
    this.#inUtterance = false;
    const firstBlockIndex = this.#blockIndex - this.#blocks.length;
    const keep = Math.min(this.#blocks.length, this.#lastSpeech - firstBlockIndex + 1 + this.#paddingBlocks);
    const blocks = this.#blocks.slice(0, keep);
    this.#blocks = this.#blocks.slice(keep).slice(-this.#paddingBlocks);
    if (this.#speechBlocks < this.#minSpeechBlocks) return undefined;
    return {
      start: this.#firstSpeech * BLOCK_MS,
      end: (this.#lastSpeech + 1) * BLOCK_MS,
      pcm: Buffer.concat(blocks),
    };
  }
}

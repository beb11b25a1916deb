import type { FlvTag } from '../fanout/FlvTagReader.js';
import type { EncodedOutput } from './Encoder.js';

/**
 * Joins the FLV of successive encoder runs into one stream, so that the relays (and the
 * destinations behind them) ride through an encoder restart without reconnecting:
 *
 * - the file header and the metadata of the first run pass; a later run's are dropped (a second
 *   FLV header in the middle of a stream is garbage to the relay's demuxer);
 * - a later run's timestamps, which start again from 0, continue from where the stream stopped,
 *   plus the time it was down, so they only ever go forward;
 * - a later run's codec configuration (sequence headers) passes: FLV allows it mid-stream, and the
 *   relays' FFmpeg hands it on to the destination.
 */
export class FlvSplice implements EncodedOutput {
  #runs = 0;
  #headerSent = false;
  /** Added to the current run's timestamps. */
  #offset = 0;
  /** The next tag is the current run's first: it sets the offset. */
  #anchor = false;
  /** The latest timestamp passed on, and when (ms). */
  #lastOut: number | undefined;
  #lastOutAt = 0;

  constructor(
    readonly out: EncodedOutput,
    readonly now: () => number = () => performance.now(),
  ) {}

  /** A new encoder run begins: its timestamps start over. Call before its first output. */
  nextRun(): void {
    this.#runs++;
    this.#anchor = true;
  }

  setHeader(header: Buffer): void {
    if (this.#headerSent) return;
    this.#headerSent = true;
    this.out.setHeader(header);
  }

  push(tags: readonly FlvTag[]): void {
    const out: FlvTag[] = [];
    for (const tag of tags) {
      const spliced = this.#splice(tag);
      if (spliced) out.push(spliced);
    }
    if (out.length > 0) this.out.push(out);
  }

  #splice(tag: FlvTag): FlvTag | undefined {
    if (this.#runs > 1 && tag.type === 'script') return undefined;
    if (this.#anchor) {
      this.#anchor = false;
      const resumeAt = this.#lastOut === undefined ? tag.timestampMs : this.#lastOut + Math.max(1, Math.round(this.now() - this.#lastOutAt));
      this.#offset = resumeAt - tag.timestampMs;
    }
    const timestampMs = Math.max(0, tag.timestampMs + this.#offset);
    if (timestampMs !== tag.timestampMs) writeTimestamp(tag.bytes, timestampMs);
    this.#lastOut = Math.max(this.#lastOut ?? 0, timestampMs);
    this.#lastOutAt = this.now();
    return timestampMs === tag.timestampMs ? tag : { ...tag, timestampMs };
  }
}

/** FLV tag timestamps: 24 bits at offset 4, and the upper 8 bits at offset 7. */
export function writeTimestamp(tag: Buffer, timestampMs: number): void {
  const ts = timestampMs >>> 0;
  tag.writeUIntBE(ts & 0xffffff, 4, 3);
  tag[7] = ts >>> 24;
}

/** One FLV tag with its trailing PreviousTagSize, ready to be written out as is. */
export interface FlvTag {
  type: 'audio' | 'video' | 'script' | 'other';
  timestampMs: number;
  /** Video keyframe (where a new listener can start). */
  keyframe: boolean;
  /** AVC or AAC sequence header: codec configuration every listener needs first. */
  sequenceHeader: boolean;
  bytes: Buffer;
}

const FLV_HEADER_SIZE = 9 + 4;
const TAG_HEADER_SIZE = 11;
const TYPES: Record<number, FlvTag['type']> = { 8: 'audio', 9: 'video', 18: 'script' };

/**
 * Splits the encoder's FLV byte stream into its header and tags, so the fan-out can start each
 * new destination at a keyframe with the codec configuration first. FLV framing is a few fixed
 * fields (no library for Node parses a live FLV stream into tags), hence this small parser.
 */
export class FlvTagReader {
  #pending: Buffer = Buffer.alloc(0);
  #header: Buffer | undefined;

  /** The FLV file header (signature, flags, first PreviousTagSize), once seen. */
  get header(): Buffer | undefined {
    return this.#header;
  }

  /** `chunk` is only read during the call (every tag is a copy), so a reused read buffer is fine. */
  push(chunk: Buffer): FlvTag[] {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    if (!this.#header) {
      if (this.#pending.length < FLV_HEADER_SIZE) return [];
      if (this.#pending.toString('latin1', 0, 3) !== 'FLV') throw new Error('encoder output is not FLV');
      this.#header = Buffer.from(this.#pending.subarray(0, FLV_HEADER_SIZE));
      this.#pending = this.#pending.subarray(FLV_HEADER_SIZE);
    }
    const tags: FlvTag[] = [];
    let tag = this.#next();
    while (tag) {
      tags.push(tag);
      tag = this.#next();
    }
    // The chunk may be a read buffer that is reused for the next read: keep a copy of what is left.
    if (this.#pending.length > 0 && this.#pending.buffer === chunk.buffer) this.#pending = Buffer.from(this.#pending);
    return tags;
  }

  #next(): FlvTag | undefined {
    const buf = this.#pending;
    if (buf.length < TAG_HEADER_SIZE) return undefined;
    const dataSize = buf.readUIntBE(1, 3);
    const total = TAG_HEADER_SIZE + dataSize + 4;
    if (buf.length < total) return undefined;
    const bytes = Buffer.from(buf.subarray(0, total));
    this.#pending = buf.subarray(total);
    const type = TYPES[bytes[0]! & 0x1f] ?? 'other';
    const timestampMs = (bytes.readUIntBE(4, 3) | (bytes[7]! << 24)) >>> 0;
    const first = bytes[TAG_HEADER_SIZE] ?? 0;
    const second = bytes[TAG_HEADER_SIZE + 1] ?? 1;
    const sequenceHeader = (type === 'video' && (first & 0x0f) === 7 && second === 0) || (type === 'audio' && first >> 4 === 10 && second === 0);
    const keyframe = type === 'video' && first >> 4 === 1 && !sequenceHeader;
    return { type, timestampMs, keyframe, sequenceHeader, bytes };
  }
}

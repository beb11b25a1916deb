import { boxSize } from './mp4Boxes.js';

/** One complete top-level box of the stream, header included. */
export interface TopLevelBox {
  type: string;
  bytes: Buffer;
}

/** Bytes needed to know any box's size: size, type and a 64-bit largesize. */
const LONGEST_HEADER = 16;

/**
 * Cuts FFmpeg's fragmented MP4 byte stream into its top-level boxes (ftyp, moov, then moof/mdat
 * pairs) as they complete, whatever the chunking. Written by hand: the maintained MP4 libraries
 * for Node (mp4box.js, mux.js) parse whole files or demux samples, and none hands back the raw
 * moof/mdat boxes of a live stream as they arrive; the framing is two fields.
 */
export class Mp4BoxReader {
  #chunks: Buffer[] = [];
  #buffered = 0;
  /** Size of the box being gathered, once its header is in. */
  #wanted: number | undefined;

  /** Bytes held for a box that is not complete yet. */
  get buffered(): number {
    return this.#buffered;
  }

  push(chunk: Buffer): TopLevelBox[] {
    if (chunk.length === 0) return [];
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
    const boxes: TopLevelBox[] = [];
    for (let box = this.#next(); box; box = this.#next()) boxes.push(box);
    return boxes;
  }

  #next(): TopLevelBox | undefined {
    this.#wanted ??= this.#headerSize();
    if (this.#wanted === undefined || this.#buffered < this.#wanted) return undefined;
    const all = this.#chunks.length === 1 ? this.#chunks[0]! : Buffer.concat(this.#chunks, this.#buffered);
    const bytes = all.subarray(0, this.#wanted);
    const rest = all.subarray(this.#wanted);
    this.#chunks = rest.length ? [rest] : [];
    this.#buffered = rest.length;
    this.#wanted = undefined;
    return { type: bytes.toString('latin1', 4, 8), bytes };
  }

  /** The pending box's size once enough of its header has arrived; throws on a size that cannot be. */
  #headerSize(): number | undefined {
    if (this.#buffered < 8) return undefined;
    const head = Buffer.concat(this.#chunks, Math.min(this.#buffered, LONGEST_HEADER)).subarray(0, LONGEST_HEADER);
    if (head.readUInt32BE(0) === 1 && head.length < LONGEST_HEADER) return undefined;
    const { size, headerSize } = boxSize(head, 0);
    if (size === undefined) throw new Error('MP4 box of unbounded size in a stream');
    if (size < headerSize) throw new Error(`invalid MP4 box size ${size}`);
    return size;
  }
}

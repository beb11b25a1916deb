const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
/** A picture larger than this is garbage (or not a JPEG stream): drop it and resync. */
const MAX_PICTURE_BYTES = 8 * 1024 * 1024;

/**
 * Splits a stream of concatenated JPEG pictures (FFmpeg's `mjpeg` output) into pictures by walking
 * their marker segments: lengths for headers, and in entropy-coded data only a 0xFF followed by a
 * byte other than 0x00 (stuffing) or RST0-7 is a marker. Searching for FF D9 alone would stop inside
 * a quantisation table or a comment that happens to hold those bytes.
 */
export class JpegSplitter {
  #buffer = Buffer.alloc(0);

  constructor(readonly onPicture: (picture: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : Buffer.from(chunk);
    for (;;) {
      const start = findSoi(this.#buffer);
      if (start < 0) {
        // Keep a trailing 0xFF: it may be the first half of the next SOI.
        this.#buffer = this.#buffer.subarray(this.#buffer.at(-1) === 0xff ? this.#buffer.length - 1 : this.#buffer.length);
        return;
      }
      const end = pictureEnd(this.#buffer, start);
      if (end === undefined) {
        this.#buffer = this.#buffer.subarray(start);
        if (this.#buffer.length > MAX_PICTURE_BYTES) this.#buffer = this.#buffer.subarray(2);
        return;
      }
      if (end > start) this.onPicture(Buffer.from(this.#buffer.subarray(start, end)));
      this.#buffer = this.#buffer.subarray(Math.max(end, start + 2));
    }
  }
}

function findSoi(buffer: Buffer): number {
  for (let i = buffer.indexOf(0xff); i >= 0 && i + 1 < buffer.length; i = buffer.indexOf(0xff, i + 1)) {
    if (buffer[i + 1] === SOI) return i;
  }
  return -1;
}

/**
 * The offset just after the EOI of the picture whose SOI is at `start`; undefined while it is
 * incomplete; `start` itself when the bytes are not a valid picture (the caller skips that SOI).
 */
export function pictureEnd(b: Buffer, start: number): number | undefined {
  let i = start + 2;
  for (;;) {
    if (i + 1 >= b.length) return undefined;
    if (b[i] !== 0xff) return start;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === EOI) return i + 2;
    if (marker === SOI || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      if (marker === SOI) return start;
      i += 2;
      continue;
    }
    if (i + 3 >= b.length) return undefined;
    const length = b.readUInt16BE(i + 2);
    if (length < 2) return start;
    i += 2 + length;
    if (marker === SOS) {
      const next = entropyEnd(b, i);
      if (next === undefined) return undefined;
      i = next;
    }
  }
}

/** The offset of the marker that ends the entropy-coded data starting at `from`. */
function entropyEnd(b: Buffer, from: number): number | undefined {
  for (let i = b.indexOf(0xff, from); i >= 0; i = b.indexOf(0xff, i + 1)) {
    if (i + 1 >= b.length) return undefined;
    const next = b[i + 1]!;
    if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7)) return i;
  }
  return undefined;
}

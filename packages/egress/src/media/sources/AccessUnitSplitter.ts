export interface AccessUnit {
  /** Every NAL unit of one picture, Annex B (start codes included), beginning with its access unit delimiter. */
  data: Buffer;
  /** It holds an IDR slice (and, from our encoder, the SPS/PPS before it). */
  keyFrame: boolean;
}

const NAL_IDR = 5;
const NAL_AUD = 9;

/**
 * Splits an H.264 Annex B byte stream into access units at its access unit delimiters (the encoder
 * writes one before every picture: `aud=1`). An access unit is complete when the next one's
 * delimiter arrives, so each is delivered one picture late; `flush()` delivers the last one.
 */
export class AccessUnitSplitter {
  #buffer = Buffer.alloc(0);
  /** Where to look for the next start code (everything before has been scanned). */
  #scanFrom = 0;
  #keyFrame = false;

  constructor(readonly onAccessUnit: (unit: AccessUnit) => void) {}

  push(chunk: Buffer): void {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : Buffer.from(chunk);
    for (;;) {
      const found = findStartCode(this.#buffer, this.#scanFrom);
      // Its NAL header byte must have arrived too.
      if (found < 0 || found + 3 >= this.#buffer.length) {
        this.#scanFrom = found < 0 ? Math.max(0, this.#buffer.length - 2) : found;
        return;
      }
      const type = this.#buffer[found + 3]! & 0x1f;
      this.#scanFrom = found + 3;
      if (type === NAL_IDR) this.#keyFrame = true;
      if (type !== NAL_AUD) continue;
      // A four-byte start code's leading zero belongs to the new unit.
      const boundary = found > 0 && this.#buffer[found - 1] === 0 ? found - 1 : found;
      this.#emit(boundary);
    }
  }

  /** Delivers what is buffered as the last access unit (end of stream). */
  flush(): void {
    this.#emit(this.#buffer.length);
  }

  #emit(end: number): void {
    if (end > 0) {
      this.onAccessUnit({ data: Buffer.from(this.#buffer.subarray(0, end)), keyFrame: this.#keyFrame });
    }
    this.#buffer = this.#buffer.subarray(end);
    this.#scanFrom = Math.max(0, this.#scanFrom - end);
    this.#keyFrame = false;
  }
}

/** Index of the next three-byte start code (00 00 01) at or after `from`, or -1. */
function findStartCode(buffer: Buffer, from: number): number {
  for (let i = buffer.indexOf(0, from); i >= 0 && i + 2 < buffer.length; i = buffer.indexOf(0, i + 1)) {
    if (buffer[i + 1] === 0 && buffer[i + 2] === 1) return i;
  }
  return -1;
}

/** The NAL unit types in an access unit, in order (for tests and diagnostics). */
export function nalTypes(data: Buffer): number[] {
  const types: number[] = [];
  for (let i = findStartCode(data, 0); i >= 0 && i + 3 < data.length; i = findStartCode(data, i + 3)) {
    types.push(data[i + 3]! & 0x1f);
  }
  return types;
}

const CAPTURE = Buffer.from('OggS');
const HEADER_BYTES = 27;
/** Larger than any page (255 segments of 255 bytes + header): a stream that never syncs is not buffered forever. */
const MAX_BUFFERED = 27 + 255 + 255 * 255;

/**
 * Reassembles the packets of an Ogg stream (RFC 3533) from arbitrary chunks: pages are parsed as
 * they complete, packets spanning pages are joined. One logical stream is assumed (FFmpeg writes
 * one per output here) and CRCs are not checked: the bytes come from our own FFmpeg over a local
 * pipe. Hand-written because it is ~80 lines; the npm Ogg parsers are either unmaintained native
 * bindings (`ogg`) or whole demuxers with their own stream plumbing (`prism-media`).
 */
export class OggPacketReader {
  #buffer = Buffer.alloc(0);
  /** The start of a packet continued on the next page. */
  #partial: Buffer[] = [];

  constructor(readonly onPacket: (packet: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.#buffer = this.#buffer.length ? Buffer.concat([this.#buffer, chunk]) : Buffer.from(chunk);
    let offset = 0;
    for (;;) {
      const start = this.#buffer.indexOf(CAPTURE, offset);
      if (start < 0) {
        // Keep a possible partial capture pattern at the end.
        offset = Math.max(offset, this.#buffer.length - (CAPTURE.length - 1));
        break;
      }
      const end = this.#page(start);
      if (end === undefined) {
        offset = start;
        break;
      }
      offset = end;
    }
    this.#buffer = this.#buffer.subarray(offset);
    if (this.#buffer.length > MAX_BUFFERED) this.#buffer = this.#buffer.subarray(this.#buffer.length - MAX_BUFFERED);
  }

  /** Parses the page at `start`: the offset after it, or undefined if it has not fully arrived. */
  #page(start: number): number | undefined {
    const b = this.#buffer;
    if (b.length < start + HEADER_BYTES) return undefined;
    const headerType = b[start + 5]!;
    const segments = b[start + 26]!;
    const tableEnd = start + HEADER_BYTES + segments;
    if (b.length < tableEnd) return undefined;
    const table = b.subarray(start + HEADER_BYTES, tableEnd);
    const bodyBytes = table.reduce((sum, lacing) => sum + lacing, 0);
    if (b.length < tableEnd + bodyBytes) return undefined;
    // A page that does not continue a packet drops any unfinished one (a lost page).
    if ((headerType & 0x01) === 0) this.#partial = [];
    let offset = tableEnd;
    let packetStart = offset;
    for (const lacing of table) {
      offset += lacing;
      if (lacing === 255) continue;
      this.#emit(b.subarray(packetStart, offset));
      packetStart = offset;
    }
    if (packetStart < offset) this.#partial.push(Buffer.from(b.subarray(packetStart, offset)));
    return offset;
  }

  #emit(tail: Buffer): void {
    const packet = this.#partial.length ? Buffer.concat([...this.#partial, tail]) : Buffer.from(tail);
    this.#partial = [];
    this.onPacket(packet);
  }
}

/** Opus's two header packets (RFC 7845): the reader's first packets, not audio. */
export function isOpusHeader(packet: Buffer): boolean {
  return packet.length >= 8 && (packet.subarray(0, 8).equals(OPUS_HEAD) || packet.subarray(0, 8).equals(OPUS_TAGS));
}

const OPUS_HEAD = Buffer.from('OpusHead');
const OPUS_TAGS = Buffer.from('OpusTags');

/** Duration in ms of one Opus packet, from its TOC byte (RFC 6716, 3.1). */
export function opusPacketDurationMs(packet: Buffer): number {
  if (packet.length === 0) return 0;
  const toc = packet[0]!;
  const config = toc >> 3;
  const frameMs =
    config < 12 ? [10, 20, 40, 60][config & 3]! : config < 16 ? [10, 20][config & 1]! : [2.5, 5, 10, 20][config & 3]!;
  const code = toc & 3;
  const frames = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3f : 2;
  return frameMs * frames;
}

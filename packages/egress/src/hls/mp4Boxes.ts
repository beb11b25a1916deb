/** One ISO BMFF box inside a buffer: its type and where its payload starts and ends. */
export interface Box {
  type: string;
  /** Offset of the payload (after size, type and any 64-bit size). */
  start: number;
  end: number;
}

/**
 * The boxes laid end to end in `buf[start, end)`. A box whose size is invalid or runs past `end`
 * throws: a truncated or corrupt box must not be read as if it were whole.
 */
export function* childBoxes(buf: Buffer, start = 0, end = buf.length): Generator<Box> {
  let offset = start;
  while (offset + 8 <= end) {
    const { size, headerSize } = boxSize(buf, offset);
    if (size === undefined) throw new Error('MP4 box runs to the end of the file');
    if (size < headerSize || offset + size > end) throw new Error(`invalid MP4 box size ${size}`);
    yield { type: buf.toString('latin1', offset + 4, offset + 8), start: offset + headerSize, end: offset + size };
    offset += size;
  }
}

/**
 * A box's total size and header length from its first bytes (size, type, 64-bit largesize when the
 * size is 1). `size` is undefined for size 0 ("to the end of the file"), which a stream cannot have.
 */
export function boxSize(buf: Buffer, offset: number): { size: number | undefined; headerSize: number } {
  const size32 = buf.readUInt32BE(offset);
  if (size32 === 0) return { size: undefined, headerSize: 8 };
  if (size32 !== 1) return { size: size32, headerSize: 8 };
  const size64 = buf.readBigUInt64BE(offset + 8);
  if (size64 > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error('MP4 box too large');
  return { size: Number(size64), headerSize: 16 };
}

/** The first box along `path` (each a child of the previous), e.g. ['trak', 'mdia', 'mdhd']. */
export function findBox(buf: Buffer, path: string[], start = 0, end = buf.length): Box | undefined {
  let scope: Box | undefined = { type: '', start, end };
  for (const type of path) {
    scope = firstChild(buf, scope, type);
    if (!scope) return undefined;
  }
  return scope;
}

/** Every child of `parent` of the given type. */
export function childrenOf(buf: Buffer, parent: Box, type: string): Box[] {
  return [...childBoxes(buf, parent.start, parent.end)].filter((box) => box.type === type);
}

function firstChild(buf: Buffer, parent: Box, type: string): Box | undefined {
  for (const box of childBoxes(buf, parent.start, parent.end)) if (box.type === type) return box;
  return undefined;
}

/** Version and flags of a full box (the first 4 bytes of its payload). */
export function fullBoxHeader(buf: Buffer, box: Box): { version: number; flags: number } {
  const word = buf.readUInt32BE(box.start);
  return { version: word >>> 24, flags: word & 0xffffff };
}

/** A 32- or 64-bit unsigned field as a number (64-bit values here are media times, far below 2^53). */
export function readUint(buf: Buffer, offset: number, bits: 32 | 64): number {
  return bits === 32 ? buf.readUInt32BE(offset) : Number(buf.readBigUInt64BE(offset));
}

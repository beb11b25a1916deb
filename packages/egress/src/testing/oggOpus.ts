/**
 * Writes Opus packets into an Ogg Opus file (RFC 7845) that FFmpeg can decode: for tests that
 * check what an Opus source emits really is audio. One packet per page, CRCs computed.
 */
export function oggOpusFile(packets: Buffer[], options: { channels?: number; frameSamples?: number } = {}): Buffer {
  const channels = options.channels ?? 2;
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0);
  head[8] = 1;
  head[9] = channels;
  head.writeUInt16LE(312, 10); // pre-skip, as libopus reports it
  head.writeUInt32LE(48000, 12);
  const tags = Buffer.concat([Buffer.from('OpusTags'), u32(4), Buffer.from('test'), u32(0)]);
  const pages = [page(head, 0n, 0, 0x02), page(tags, 0n, 1, 0)];
  let granule = 0n;
  packets.forEach((packet, i) => {
    granule += BigInt(options.frameSamples ?? 960);
    pages.push(page(packet, granule, i + 2, i === packets.length - 1 ? 0x04 : 0));
  });
  return Buffer.concat(pages);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

function page(packet: Buffer, granule: bigint, sequence: number, headerType: number): Buffer {
  const lacing: number[] = [];
  let left = packet.length;
  while (left >= 255) {
    lacing.push(255);
    left -= 255;
  }
  lacing.push(left);
  const header = Buffer.alloc(27);
  header.write('OggS', 0);
  header[5] = headerType;
  header.writeBigUInt64LE(granule, 6);
  header.writeUInt32LE(0x524f4f4d, 14); // serial
  header.writeUInt32LE(sequence, 18);
  header[26] = lacing.length;
  const bytes = Buffer.concat([header, Buffer.from(lacing), packet]);
  bytes.writeUInt32LE(oggCrc(bytes), 22);
  return bytes;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, i) => {
  let r = i << 24;
  for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
  return r >>> 0;
});

function oggCrc(bytes: Buffer): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  return crc;
}

import type { AssetContentType } from '@roomcast/protocol';

/**
 * The image type the first bytes say, or undefined: a body is taken as the type its header
 * claims only when its bytes agree, so FFmpeg's image demuxer is never handed something else.
 */
export function sniffImageType(data: Buffer): AssetContentType | undefined {
  if (data.length >= 8 && data.subarray(0, 8).equals(PNG)) return 'image/png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'image/jpeg';
  if (data.length >= 12 && data.toString('latin1', 0, 4) === 'RIFF' && data.toString('latin1', 8, 12) === 'WEBP') return 'image/webp';
  return undefined;
}

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

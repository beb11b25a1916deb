import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ffmpegPath } from '../ffmpeg/ffmpegPath.js';
import { videoDecoderArgs } from './decoderArgs.js';

const run = promisify(execFile);
const TILE = { width: 632, height: 354 };

/** The decoder's own -vf chain, applied by real FFmpeg to one frame of a lavfi test picture. */
async function fitted(source: string, vf?: string): Promise<Buffer> {
  const args = ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', source, ...(vf ? ['-vf', vf] : []), '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1'];
  const { stdout } = await run(ffmpegPath(), args, { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

function decoderFilters(): string {
  const args = videoDecoderArgs({ sdpPath: 'unused.sdp', ...TILE });
  return args[args.indexOf('-vf') + 1]!;
}

/** The luma plane's row `y`, from column `x`, `length` bytes. */
const lumaRow = (frame: Buffer, width: number, y: number, x = 0, length = width): Buffer =>
  frame.subarray(y * width + x, y * width + x + length);

describe('video decoder fitting a picture into its tile', () => {
  it('centre-crops a picture a few pixels bigger than the tile, leaving its pixels untouched', async () => {
    const source = 'testsrc2=size=640x360:rate=30';
    const original = await fitted(source);
    const tile = await fitted(source, decoderFilters());
    expect(tile.length).toBe(TILE.width * TILE.height * 1.5);
    // Cropped by 8x6: the tile's row y is the source's row y+3 from column 4, byte for byte.
    for (const y of [0, 100, 353]) {
      expect(lumaRow(tile, TILE.width, y).equals(lumaRow(original, 640, y + 3, 4, TILE.width))).toBe(true);
    }
  });

  it('scales a bigger picture down to fit, letterboxed', async () => {
    const tile = await fitted('color=c=white:size=1280x960:rate=30', decoderFilters());
    expect(tile.length).toBe(TILE.width * TILE.height * 1.5);
    // 4:3 into 632x354 is 472 wide: black bars left and right, white in the middle.
    const middleRow = lumaRow(tile, TILE.width, 177);
    expect(middleRow[10]).toBeLessThan(32);
    expect(middleRow[316]).toBeGreaterThan(220);
    expect(middleRow[621]).toBeLessThan(32);
  });

  it('scales a small picture up to the tile', async () => {
    const tile = await fitted('color=c=white:size=320x180:rate=30', decoderFilters());
    const middleRow = lumaRow(tile, TILE.width, 177);
    expect(middleRow[2]).toBeGreaterThan(220);
    expect(middleRow[629]).toBeGreaterThan(220);
  });
});

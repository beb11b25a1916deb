import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ffmpegPath } from '../ffmpeg/ffmpegPath.js';
import { CLOCK_BAND, CLOCK_BLOCKS, clockAgeMs, clockBarcodeFilters, readClockBarcode } from './clockBarcode.js';

describe('clock barcode drawn by FFmpeg', () => {
  it('reads back, frame by frame, the wall clock it was drawn with', () => {
    const startedAtMs = 1_796_050_000_123;
    const [width, height, fps] = [320, 240, 30];
    const graph = `testsrc2=size=${width}x${height}:rate=${fps},${clockBarcodeFilters(startedAtMs).join(',')}`;
    const frames = 31;
    const gray = execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', graph, '-frames:v', String(frames), '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const row = Math.floor((height * CLOCK_BAND.heightFraction) / 2);
    for (let frame = 0; frame < frames; frame++) {
      const base = frame * width * height + row * width;
      const luma = Array.from({ length: CLOCK_BLOCKS }, (_, i) => gray[base + Math.floor(((i + 0.5) * width) / CLOCK_BLOCKS)]!);
      const stamp = readClockBarcode(luma);
      expect(stamp, `frame ${frame}`).toBeDefined();
      expect(clockAgeMs(stamp!, startedAtMs + (frame * 1000) / fps)).toBeLessThan(1);
    }
  });
});

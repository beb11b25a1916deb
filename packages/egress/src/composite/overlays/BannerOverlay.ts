import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BannerOptions } from '@roomcast/protocol';
import { makeEgressTempDir } from '../../tempDirs.js';
import { type YuvFrame, yuvFrameSize } from '../FrameCanvas.js';
import { renderStill } from './renderStill.js';

export const BANNER_DEFAULTS = { color: '#ffffff', background: '#000000', position: 'bottom' } as const;

/** The banner's strip: the canvas's width, a tenth of its height (even). */
export function bannerHeight(canvasHeight: number): number {
  return Math.max(16, Math.floor(canvasHeight / 10 / 2) * 2);
}

/** Its row on the canvas. */
export function bannerY(canvasHeight: number, options: BannerOptions): number {
  return (options.position ?? BANNER_DEFAULTS.position) === 'top' ? 0 : canvasHeight - bannerHeight(canvasHeight);
}

/**
 * Renders the banner once per change with FFmpeg's drawtext (Node has no font rasteriser): an
 * opaque strip, so each frame draws it with row copies like a tile. The text goes through a file
 * (`textfile=`, no filter escaping) and is never expanded.
 */
export async function renderBanner(options: BannerOptions, width: number, canvasHeight: number, fontFile?: string): Promise<YuvFrame> {
  const height = bannerHeight(canvasHeight);
  const dir = await makeEgressTempDir('banner');
  try {
    const textFile = join(dir, 'banner.txt');
    await writeFile(textFile, options.text);
    const size = Math.round(height * 0.5);
    const font = fontFile ? `:fontfile=${fontFile}` : '';
    const color = (c: string) => `0x${c.slice(1)}`;
    const args = [
      '-hide_banner', '-nostdin', '-loglevel', 'error',
      '-f', 'lavfi', '-i', `color=c=${color(options.background ?? BANNER_DEFAULTS.background)}:s=${width}x${height}:r=1`,
      '-vf', `drawtext=textfile=${textFile}:expansion=none${font}:fontsize=${size}:fontcolor=${color(options.color ?? BANNER_DEFAULTS.color)}:x=${Math.round(height / 2)}:y=(h-th)/2`,
      '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1',
    ];
    const data = await renderStill(args);
    if (data.length !== yuvFrameSize(width, height)) throw new Error('banner could not be rendered');
    return { width, height, data };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

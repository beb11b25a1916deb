import type { LogoOptions } from '@roomcast/protocol';
import type { AssetStore } from '../../assets/AssetStore.js';
import type { DestinationPolicy } from '../../destinations/DestinationPolicy.js';
import type { YuvCanvas } from '../tileShape.js';
import { fetchImage, IMAGE_TYPES } from './fetchImage.js';
import { blendPrepared, type PreparedOverlay, prepareOverlay, type YuvaImage, yuvaFrameSize } from './Overlay.js';
import { renderStill } from './renderStill.js';

export const LOGO_DEFAULTS = { position: 'top-right', size: 0.12, opacity: 1, margin: 16 } as const;

const even = (n: number): number => Math.max(2, Math.floor(n / 2) * 2);

/**
 * Decodes an image with FFmpeg (only the demuxer its content type names) to yuva420p at `width`
 * (height from its aspect, even): decoded once, blended per frame. The height is read from the
 * byte count, so no probe is needed.
 */
export async function decodeLogo(image: { type: keyof typeof IMAGE_TYPES; data: Buffer }, width: number): Promise<YuvaImage> {
  const w = even(width);
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-f', IMAGE_TYPES[image.type], '-i', 'pipe:0',
    '-vf', `scale=${w}:-2,format=yuva420p`, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'yuva420p', 'pipe:1',
  ];
  const data = await renderStill(args, image.data);
  const height = data.length / (2.5 * w);
  if (!Number.isInteger(height) || height < 2 || data.length !== yuvaFrameSize(w, height)) throw new Error('logo could not be decoded as an image');
  return { width: w, height, data };
}

/** Where a logo of this size goes on the canvas (even coordinates). */
export function logoPosition(canvas: { width: number; height: number }, logo: { width: number; height: number }, options: LogoOptions): { x: number; y: number } {
  const margin = options.margin ?? LOGO_DEFAULTS.margin;
  const position = options.position ?? LOGO_DEFAULTS.position;
  const left = position.endsWith('left');
  const top = position.startsWith('top');
  const x = left ? margin : canvas.width - logo.width - margin;
  const y = top ? margin : canvas.height - logo.height - margin;
  return { x: Math.max(0, Math.floor(x / 2) * 2), y: Math.max(0, Math.floor(y / 2) * 2) };
}

/** Where a logo's image comes from: URLs under the destination policy, uploaded assets from disk. */
export interface LogoSources {
  policy?: DestinationPolicy;
  assets?: Pick<AssetStore, 'read'>;
}

/**
 * Fetches (under the destination policy) or reads (an uploaded asset, no HTTP) and decodes a logo at
 * its drawn width. Rejects when its source is not configured here.
 */
export async function loadLogo(options: LogoOptions, canvasWidth: number, sources: LogoSources): Promise<YuvaImage> {
  const image = await logoImage(options, sources);
  return decodeLogo(image, canvasWidth * (options.size ?? LOGO_DEFAULTS.size));
}

async function logoImage(options: LogoOptions, { policy, assets }: LogoSources): Promise<{ type: keyof typeof IMAGE_TYPES; data: Buffer }> {
  if (options.asset !== undefined) {
    if (!assets) throw new Error('logo assets are not available on this server');
    return assets.read(options.asset);
  }
  if (options.url === undefined || !policy) throw new Error('logo urls are not fetched on this server');
  return fetchImage(options.url, { policy });
}

/** Whether two logos show the same image (only placement or opacity differ): no reload needed. */
export function sameLogoImage(a: LogoOptions, b: LogoOptions): boolean {
  return a.url === b.url && a.asset === b.asset && a.size === b.size;
}

/** A loaded logo made ready to blend at its options' opacity (once per change, not per frame). */
export function prepareLogo(logo: YuvaImage, options: LogoOptions): PreparedOverlay {
  return prepareOverlay(logo, options.opacity ?? LOGO_DEFAULTS.opacity);
}

/** Blends a prepared logo where its options put it. */
export function drawLogo(canvas: YuvCanvas, logo: PreparedOverlay, options: LogoOptions): void {
  const { x, y } = logoPosition(canvas, logo, options);
  blendPrepared(canvas, logo, x, y);
}

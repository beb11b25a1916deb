import type { YuvCanvas } from '../tileShape.js';

/**
 * A picture with alpha in FFmpeg's yuva420p layout: Y (w*h), U and V (w/2*h/2 each), A (w*h).
 * Logos are decoded to it once, at their drawn size, and blended per frame.
 */
export interface YuvaImage {
  width: number;
  height: number;
  data: Buffer;
}

export function yuvaFrameSize(width: number, height: number): number {
  return width * height * 2.5;
}

/**
 * An image made ready for blending at one opacity: per pixel (luma, then U and V at quarter
 * resolution) the source already multiplied by its alpha, and 255 - alpha. Done once per logo and
 * opacity, so each frame costs one multiply and add per pixel; fully transparent pixels are
 * marked and skipped.
 */
export interface PreparedOverlay {
  width: number;
  height: number;
  /** src * a for Y (w*h), U, V (w/2*h/2 each). */
  premultiplied: Uint16Array;
  /** 255 - a for luma pixels (w*h), then chroma pixels (w/2*h/2); 255 means transparent. */
  inverse: Uint8Array;
}

export function prepareOverlay(image: YuvaImage, opacity = 1): PreparedOverlay {
  const { width: w, height: h, data } = image;
  const op = Math.round(Math.max(0, Math.min(1, opacity)) * 256);
  const luma = w * h;
  const chroma = luma / 4;
  const alphaAt = luma * 1.5;
  const alpha = (i: number): number => (data[alphaAt + i]! * op) >> 8;
  const premultiplied = new Uint16Array(luma + 2 * chroma);
  const inverse = new Uint8Array(luma + chroma);
  for (let i = 0; i < luma; i++) {
    const a = alpha(i);
    premultiplied[i] = data[i]! * a;
    inverse[i] = 255 - a;
  }
  // Chroma takes the alpha of the top-left pixel of its 2x2 block.
  for (let row = 0; row < h / 2; row++) {
    for (let col = 0; col < w / 2; col++) {
      const c = row * (w / 2) + col;
      const a = alpha(2 * row * w + 2 * col);
      premultiplied[luma + c] = data[luma + c]! * a;
      premultiplied[luma + chroma + c] = data[luma + chroma + c]! * a;
      inverse[luma + c] = 255 - a;
    }
  }
  return { width: w, height: h, premultiplied, inverse };
}

/**
 * Blends a prepared overlay onto the canvas at (x, y) (even): out = src*a + dst*(1-a) per pixel,
 * in integers, over the overlay's small region only, clipped at the canvas edges.
 */
export function blendPrepared(canvas: YuvCanvas, overlay: PreparedOverlay, x: number, y: number): void {
  const { width: iw, height: ih, premultiplied: pre, inverse: inv } = overlay;
  const { width: cw, height: ch, data: dst } = canvas;
  const rows = Math.min(ih, ch - y);
  const cols = Math.min(iw, cw - x);
  for (let row = 0; row < rows; row++) {
    const s = row * iw;
    const d = (y + row) * cw + x;
    for (let col = 0; col < cols; col++) {
      const k = inv[s + col]!;
      if (k === 255) continue;
      dst[d + col] = (pre[s + col]! + dst[d + col]! * k + 127) / 255 | 0;
    }
  }
  const luma = iw * ih;
  const ciw = iw / 2;
  const chroma = luma / 4;
  const ccw = cw / 2;
  for (let plane = 0; plane < 2; plane++) {
    const so = luma + plane * chroma;
    const dOff = cw * ch + plane * ccw * (ch / 2);
    for (let row = 0; row < rows / 2; row++) {
      for (let col = 0; col < cols / 2; col++) {
        const c = row * ciw + col;
        const k = inv[luma + c]!;
        if (k === 255) continue;
        const d = dOff + (y / 2 + row) * ccw + x / 2 + col;
        dst[d] = (pre[so + c]! + dst[d]! * k + 127) / 255 | 0;
      }
    }
  }
}

/** Blends `image` onto the canvas at (x, y), scaled by `opacity` (0-1). See blendPrepared. */
export function blendYuva(canvas: YuvCanvas, image: YuvaImage, x: number, y: number, opacity = 1): void {
  blendPrepared(canvas, prepareOverlay(image, opacity), x, y);
}

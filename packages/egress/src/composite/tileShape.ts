import type { Yuv } from './FrameCanvas.js';
import type { Rect } from './layout.js';

/** A YUV 4:2:0 picture drawn into in place (the compositor's canvas). */
export interface YuvCanvas {
  data: Buffer;
  width: number;
  height: number;
}

const insetCache = new Map<number, Uint16Array>();

/**
 * For each of the first `radius` rows of a tile, how many pixels from its left (and right) edge lie
 * outside a quarter circle of that radius: the row extents a rounded corner repaints.
 */
export function cornerInsets(radius: number): Uint16Array {
  let insets = insetCache.get(radius);
  if (insets) return insets;
  insets = new Uint16Array(radius);
  for (let row = 0; row < radius; row++) {
    const dy = radius - row - 0.5;
    insets[row] = Math.max(0, Math.round(radius - Math.sqrt(radius * radius - dy * dy)));
  }
  insetCache.set(radius, insets);
  return insets;
}

/**
 * Rounds a drawn tile's corners by filling, on its top and bottom `radius` rows, the few pixels
 * outside the corner's circle with the background: a handful of `fill`s per row (memset), no
 * per-pixel maths per frame. Chroma rows take the inset of their upper luma row, halved.
 */
export function roundCorners(canvas: YuvCanvas, rect: Rect, radius: number, background: Yuv): void {
  const r = Math.min(radius, Math.floor(rect.width / 2), Math.floor(rect.height / 2));
  if (r <= 0) return;
  const insets = cornerInsets(r);
  const { width: w, height: h, data } = canvas;
  const fillRows = (offset: number, stride: number, planeH: number, x: number, y: number, width: number, height: number, n: number, inset: (row: number) => number, value: number) => {
    for (let row = 0; row < n; row++) {
      const k = inset(row);
      if (k === 0) continue;
      for (const py of [y + row, y + height - 1 - row]) {
        if (py < 0 || py >= planeH) continue;
        const start = offset + py * stride;
        data.fill(value, start + Math.max(0, x), start + Math.min(stride, x + k));
        data.fill(value, start + Math.max(0, x + width - k), start + Math.min(stride, x + width));
      }
    }
  };
  fillRows(0, w, h, rect.x, rect.y, rect.width, rect.height, r, (row) => insets[row]!, background.y);
  const cr = Math.ceil(r / 2);
  const chromaInset = (row: number) => Math.ceil(insets[2 * row]! / 2);
  const cw = w / 2;
  const ch = h / 2;
  const [x, y, width, height] = [rect.x / 2, rect.y / 2, rect.width / 2, rect.height / 2];
  fillRows(w * h, cw, ch, x, y, width, height, cr, chromaInset, background.u);
  fillRows(w * h * 1.25, cw, ch, x, y, width, height, cr, chromaInset, background.v);
}

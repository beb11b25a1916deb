import type { Rect } from './layout.js';

/** A planar YUV 4:2:0 picture: the raw format decoders hand us and the encoder takes. */
export interface YuvFrame {
  width: number;
  height: number;
  data: Buffer;
}

export function yuvFrameSize(width: number, height: number): number {
  return width * height * 1.5;
}

export interface Yuv {
  y: number;
  u: number;
  v: number;
}

/** BT.601 limited range, as x264 and browsers assume for SD/HD content without tags. */
export function rgbToYuv(hex: string): Yuv {
  const n = Number.parseInt(hex.replace('#', ''), 16);
  const r = (n >> 16) & 255;
  const g = (n >> 8) & 255;
  const b = n & 255;
  return {
    y: Math.round(16 + 0.257 * r + 0.504 * g + 0.098 * b),
    u: Math.round(128 - 0.148 * r - 0.291 * g + 0.439 * b),
    v: Math.round(128 + 0.439 * r - 0.368 * g - 0.071 * b),
  };
}

/**
 * The output picture the compositor draws into. Drawing is row copies with Buffer.copy (memcpy):
 * placing pre-scaled tiles costs far less than any per-pixel work, which is why tiles arrive from
 * FFmpeg already at their tile size. Written by hand because no library composes raw YUV planes.
 */
export class FrameCanvas {
  /** The picture being drawn; `clear()` starts a fresh one, so a finished picture is never overwritten. */
  data: Buffer;
  readonly #background: Buffer;
  readonly #rows = new WeakMap<Buffer, { width: number; height: number; rows: Uint8Array[] }>();

  constructor(
    readonly width: number,
    readonly height: number,
    background: string,
  ) {
    this.data = Buffer.alloc(yuvFrameSize(width, height));
    this.#background = Buffer.alloc(this.data.length);
    this.setBackground(background);
  }

  /** The colour `clear()` starts from (a layout's `background`; changeable live). */
  setBackground(background: string): void {
    const { y, u, v } = rgbToYuv(background);
    const lumaSize = this.width * this.height;
    this.#background.fill(y, 0, lumaSize);
    this.#background.fill(u, lumaSize, lumaSize + lumaSize / 4);
    this.#background.fill(v, lumaSize + lumaSize / 4);
  }

  /**
   * Starts a new picture from the background, in `target` when given (a pooled buffer: the
   * previous picture may still sit in the encoder pipe's queue, so it is never drawn over).
   */
  clear(target?: Buffer): void {
    if (target) {
      this.#background.copy(target);
      this.data = target;
    } else {
      this.#background.copy(this.data);
    }
  }

  /** Copies `frame` into `rect` (same size; anything outside the canvas is cut off). */
  draw(frame: YuvFrame, rect: Rect): void {
    if (frame.width !== rect.width || frame.height !== rect.height) return;
    const rows = this.#rowsOf(frame);
    let i = 0;
    for (const p of planesOf(frame.width, frame.height)) {
      const stride = p.planeWidth(this.width);
      const x = p.scale(rect.x);
      const y = p.scale(rect.y);
      const visibleWidth = Math.min(p.width, stride - x);
      const visibleRows = Math.min(p.height, p.planeHeight(this.height) - y);
      const offset = p.offset(this.width, this.height);
      for (let row = 0; row < visibleRows; row++) {
        const source = rows[i + row]!;
        this.data.set(visibleWidth === p.width ? source : source.subarray(0, visibleWidth), offset + (y + row) * stride + x);
      }
      i += p.height;
    }
  }

  /**
   * Every row of every plane of a source picture, as views made once per buffer (decoders reuse
   * two buffers each). Buffer.copy would make a view per row on every call: some 85,000 a second
   * for a 4-tile 720p30 grid, twice the copying time and a steady stream of garbage.
   */
  #rowsOf(frame: YuvFrame): Uint8Array[] {
    const cached = this.#rows.get(frame.data);
    if (cached && cached.width === frame.width && cached.height === frame.height) return cached.rows;
    const rows: Uint8Array[] = [];
    for (const p of planesOf(frame.width, frame.height)) {
      const start = p.offset(frame.width, frame.height);
      for (let row = 0; row < p.height; row++) rows.push(frame.data.subarray(start + row * p.width, start + (row + 1) * p.width));
    }
    this.#rows.set(frame.data, { width: frame.width, height: frame.height, rows });
    return rows;
  }
}

interface Plane {
  /** This plane's size for a picture of the given size. */
  width: number;
  height: number;
  /** A canvas coordinate in this plane (chroma planes are half size). */
  scale: (n: number) => number;
  planeWidth: (pictureWidth: number) => number;
  planeHeight: (pictureHeight: number) => number;
  /** Where this plane starts in a picture of the given size. */
  offset: (pictureWidth: number, pictureHeight: number) => number;
}

/** The Y, U and V planes of a 4:2:0 picture of this size. */
function planesOf(width: number, height: number): Plane[] {
  const luma: Plane = { width, height, scale: (n) => n, planeWidth: (w) => w, planeHeight: (h) => h, offset: () => 0 };
  const chroma = (index: number): Plane => ({
    width: width / 2,
    height: height / 2,
    scale: (n) => n / 2,
    planeWidth: (w) => w / 2,
    planeHeight: (h) => h / 2,
    offset: (w, h) => w * h * (1 + index / 4),
  });
  return [luma, chroma(0), chroma(1)];
}

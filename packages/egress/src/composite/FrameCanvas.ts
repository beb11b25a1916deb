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

  constructor(
    readonly width: number,
    readonly height: number,
    background: string,
  ) {
    this.data = Buffer.alloc(yuvFrameSize(width, height));
    this.#background = Buffer.alloc(this.data.length);
    const { y, u, v } = rgbToYuv(background);
    const lumaSize = width * height;
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
    const planes = [
      { offset: 0, srcOffset: 0, stride: this.width, srcStride: frame.width, x: rect.x, y: rect.y, w: rect.width, h: rect.height },
      ...[0, 1].map((i) => ({
        offset: this.width * this.height * (1 + i / 4),
        srcOffset: frame.width * frame.height * (1 + i / 4),
        stride: this.width / 2,
        srcStride: frame.width / 2,
        x: rect.x / 2,
        y: rect.y / 2,
        w: rect.width / 2,
        h: rect.height / 2,
      })),
    ];
    for (const p of planes) {
      const w = Math.min(p.w, p.stride - p.x);
      const rows = Math.min(p.h, (p.offset === 0 ? this.height : this.height / 2) - p.y);
      for (let row = 0; row < rows; row++) {
        const src = p.srcOffset + row * p.srcStride;
        frame.data.copy(this.data, p.offset + (p.y + row) * p.stride + p.x, src, src + w);
      }
    }
  }
}

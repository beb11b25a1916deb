import { describe, expect, it } from 'vitest';
import { cornerInsets, roundCorners } from './tileShape.js';
import { blendYuva } from './overlays/Overlay.js';

/** A w x h yuv420p canvas filled with one value per plane. */
function canvas(width: number, height: number, y: number, u: number, v: number) {
  const data = Buffer.alloc(width * height * 1.5);
  data.fill(y, 0, width * height);
  data.fill(u, width * height, width * height * 1.25);
  data.fill(v, width * height * 1.25);
  return { width, height, data };
}
const lumaRow = (c: { width: number; data: Buffer }, row: number) => [...c.data.subarray(row * c.width, (row + 1) * c.width)];

describe('roundCorners', () => {
  it('insets follow a quarter circle', () => {
    expect([...cornerInsets(4)]).toEqual([2, 1, 0, 0]);
    expect(cornerInsets(8)[0]).toBeGreaterThan(cornerInsets(8)[3]!);
  });

  it('repaints only the pixels outside the corners with the background', () => {
    const c = canvas(16, 12, 200, 100, 50);
    roundCorners(c, { x: 2, y: 2, width: 12, height: 8 }, 4, { y: 16, u: 128, v: 128 });
    // Row 2 (tile's first row): two background pixels at each end of the tile, nothing outside it.
    expect(lumaRow(c, 2)).toEqual([200, 200, 16, 16, 200, 200, 200, 200, 200, 200, 200, 200, 16, 16, 200, 200]);
    expect(lumaRow(c, 3)).toEqual([200, 200, 16, ...Array(10).fill(200), 16, 200, 200].slice(0, 16));
    expect(lumaRow(c, 5)).toEqual(Array(16).fill(200));
    // Bottom rows mirror the top.
    expect(lumaRow(c, 9)).toEqual(lumaRow(c, 2));
    expect(lumaRow(c, 8)).toEqual(lumaRow(c, 3));
    // Chroma row 1 (luma rows 2-3): the corner's chroma pixel is background.
    const u = c.data.subarray(16 * 12, 16 * 12 + 8 * 6);
    expect([...u.subarray(8, 16)]).toEqual([100, 128, 100, 100, 100, 100, 128, 100]);
  });

  it('does nothing at radius 0', () => {
    const c = canvas(8, 8, 200, 100, 50);
    const before = Buffer.from(c.data);
    roundCorners(c, { x: 0, y: 0, width: 8, height: 8 }, 0, { y: 16, u: 128, v: 128 });
    expect(c.data.equals(before)).toBe(true);
  });
});

describe('blendYuva', () => {
  /** A 2x2 yuva420p image: luma 235, chroma 16/240, alpha per pixel. */
  const image = (alpha: number[]) => ({ width: 2, height: 2, data: Buffer.from([235, 235, 235, 235, 16, 240, ...alpha]) });

  it('copies opaque pixels, keeps transparent ones, mixes the rest', () => {
    const c = canvas(4, 2, 100, 128, 128);
    blendYuva(c, image([255, 0, 128, 255]), 2, 0);
    expect(lumaRow(c, 0)).toEqual([100, 100, 235, 100]);
    // 235*128/255 + 100*127/255 = 167.8 -> 168
    expect(lumaRow(c, 1)).toEqual([100, 100, 168, 235]);
    // Chroma takes the top-left alpha (255): fully the image's.
    expect([...c.data.subarray(8, 10)]).toEqual([128, 16]);
    expect([...c.data.subarray(10, 12)]).toEqual([128, 240]);
  });

  it('scales alpha by opacity and clips at the canvas edge', () => {
    const c = canvas(4, 2, 100, 128, 128);
    blendYuva(c, image([255, 255, 255, 255]), 2, 0, 0.5);
    // a = 255*128>>8 = 127: 235*127/255 + 100*128/255 = 167.2 -> 167
    expect(lumaRow(c, 0)).toEqual([100, 100, 167, 167]);
    const edge = canvas(2, 2, 100, 128, 128);
    blendYuva(edge, { width: 4, height: 2, data: Buffer.from([...Array(8).fill(235), 16, 16, 240, 240, ...Array(8).fill(255)]) }, 0, 0);
    expect(lumaRow(edge, 0)).toEqual([235, 235]);
  });
});

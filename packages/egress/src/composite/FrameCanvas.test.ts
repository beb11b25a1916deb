import { describe, expect, it } from 'vitest';
import { FrameCanvas, rgbToYuv, yuvFrameSize } from './FrameCanvas.js';

const solid = (width: number, height: number, y: number, u: number, v: number) => {
  const data = Buffer.alloc(yuvFrameSize(width, height));
  data.fill(y, 0, width * height);
  data.fill(u, width * height, width * height * 1.25);
  data.fill(v, width * height * 1.25);
  return { width, height, data };
};

describe('FrameCanvas', () => {
  it('fills with the background colour', () => {
    const canvas = new FrameCanvas(8, 4, '#000000');
    canvas.clear();
    expect(canvas.data[0]).toBe(16);
    expect(canvas.data[8 * 4]).toBe(128);
  });

  it('draws a tile into its rectangle on all three planes and nowhere else', () => {
    const canvas = new FrameCanvas(8, 4, '#000000');
    canvas.clear();
    canvas.draw(solid(4, 2, 200, 50, 60), { x: 2, y: 2, width: 4, height: 2 });
    const luma = (x: number, y: number) => canvas.data[y * 8 + x];
    expect([luma(2, 2), luma(5, 3)]).toEqual([200, 200]);
    expect([luma(1, 2), luma(6, 2), luma(2, 1)]).toEqual([16, 16, 16]);
    const u = (x: number, y: number) => canvas.data[32 + y * 4 + x];
    const v = (x: number, y: number) => canvas.data[40 + y * 4 + x];
    expect([u(1, 1), u(2, 1), u(0, 1), u(1, 0)]).toEqual([50, 50, 128, 128]);
    expect(v(1, 1)).toBe(60);
  });

  it('draws what a reused buffer holds now, not what it held the first time', () => {
    const canvas = new FrameCanvas(8, 4, '#000000');
    const tile = solid(4, 2, 200, 50, 60);
    canvas.clear();
    canvas.draw(tile, { x: 0, y: 0, width: 4, height: 2 });
    tile.data.fill(90, 0, 8);
    canvas.clear();
    canvas.draw(tile, { x: 0, y: 0, width: 4, height: 2 });
    expect(canvas.data[0]).toBe(90);
  });

  it('cuts off what falls outside the canvas', () => {
    const canvas = new FrameCanvas(8, 4, '#000000');
    canvas.clear();
    canvas.draw(solid(4, 4, 200, 50, 60), { x: 6, y: 2, width: 4, height: 4 });
    const luma = (x: number, y: number) => canvas.data[y * 8 + x];
    expect([luma(6, 2), luma(7, 3), luma(5, 2)]).toEqual([200, 200, 16]);
    expect(canvas.data.length).toBe(48);
    expect(canvas.data[32 + 1 * 4 + 3]).toBe(50); // U at (3, 1): the tile's top-left chroma sample
  });

  it('ignores a frame whose size does not match the tile', () => {
    const canvas = new FrameCanvas(8, 4, '#000000');
    canvas.clear();
    canvas.draw(solid(2, 2, 200, 50, 60), { x: 0, y: 0, width: 4, height: 2 });
    expect(canvas.data[0]).toBe(16);
  });

  it('converts colours to BT.601 limited range', () => {
    expect(rgbToYuv('#ffffff')).toEqual({ y: 235, u: 128, v: 128 });
    expect(rgbToYuv('#000000')).toEqual({ y: 16, u: 128, v: 128 });
  });
});

import { describe, expect, it } from 'vitest';
import { looksBlank } from './blankPicture.js';

const W = 64;
const H = 36;
/** A yuv420p picture of one colour, with an optional block of another. */
function picture(y: number, u: number, v: number, block?: { y: number; u: number; v: number }): Buffer {
  const data = Buffer.alloc(W * H * 1.5);
  data.fill(y, 0, W * H);
  data.fill(u, W * H, W * H * 1.25);
  data.fill(v, W * H * 1.25);
  if (block) {
    for (let row = 10; row < 26; row++) data.fill(block.y, row * W + 20, row * W + 44);
    for (let row = 5; row < 13; row++) {
      data.fill(block.u, W * H + row * (W / 2) + 10, W * H + row * (W / 2) + 22);
      data.fill(block.v, W * H * 1.25 + row * (W / 2) + 10, W * H * 1.25 + row * (W / 2) + 22);
    }
  }
  return data;
}

describe('a blank picture', () => {
  it('is one flat grey, white or black', () => {
    expect(looksBlank(picture(16, 128, 128), W, H)).toBe(true);
    expect(looksBlank(picture(235, 128, 128), W, H)).toBe(true);
    expect(looksBlank(picture(255, 129, 127), W, H)).toBe(true);
  });

  it('is not a coloured page, nor a white one with something on it', () => {
    // #00c8ff, the test pages' cyan.
    expect(looksBlank(picture(145, 186, 45), W, H)).toBe(false);
    expect(looksBlank(picture(235, 128, 128, { y: 16, u: 128, v: 128 }), W, H)).toBe(false);
    expect(looksBlank(picture(235, 128, 128, { y: 235, u: 90, v: 200 }), W, H)).toBe(false);
  });
});

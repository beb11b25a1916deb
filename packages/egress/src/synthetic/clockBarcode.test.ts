import { describe, expect, it } from 'vitest';
import { CLOCK_BITS, CLOCK_BLOCKS, clockAgeMs, readClockBarcode } from './clockBarcode.js';

/** The band's block lumas for a value, as a clean decode would sample them. */
function blocksOf(value: number, level = { white: 235, black: 16 }): number[] {
  const bits = Array.from({ length: CLOCK_BITS }, (_, i) => (Math.floor(value / 2 ** (CLOCK_BITS - 1 - i)) % 2 ? level.white : level.black));
  return [level.white, ...bits, level.white];
}

describe('clock barcode', () => {
  it('reads back any 24-bit value, with compression noise on the levels', () => {
    for (const value of [0, 1, 0xabcdef, 2 ** 24 - 1, 12_345_678]) {
      expect(readClockBarcode(blocksOf(value, { white: 190, black: 60 }))).toBe(value);
    }
  });

  it('finds no clock where the guard blocks are not white', () => {
    const blocks = blocksOf(42);
    blocks[0] = 20;
    expect(readClockBarcode(blocks)).toBeUndefined();
    expect(readClockBarcode(blocks.slice(1))).toBeUndefined();
    expect(CLOCK_BLOCKS).toBe(CLOCK_BITS + 2);
  });

  it('gives the age of a frame across the 2^24 ms wrap', () => {
    expect(clockAgeMs(1000, 1250)).toBe(250);
    expect(clockAgeMs(2 ** 24 - 100, 2 ** 24 * 7 + 150)).toBe(250);
  });
});

import { describe, expect, it } from 'vitest';
import { bestGrid, spotlightWidth } from './gridLayout.js';

describe('stage layout', () => {
  it('puts two tiles side by side on a wide screen and stacked on a phone', () => {
    expect(bestGrid(2, 1200, 600, 8)).toMatchObject({ cols: 2, rows: 1 });
    expect(bestGrid(2, 360, 640, 8)).toMatchObject({ cols: 1, rows: 2 });
  });

  it('never makes tiles wider than the stage or taller than it allows', () => {
    for (const count of [1, 3, 5, 9, 16]) {
      const fit = bestGrid(count, 900, 500, 8);
      expect(fit.cols * fit.rows).toBeGreaterThanOrEqual(count);
      expect(fit.tileWidth * fit.cols + 8 * (fit.cols - 1)).toBeLessThanOrEqual(900);
      expect((fit.tileWidth * 9) / 16 * fit.rows + 8 * (fit.rows - 1)).toBeLessThanOrEqual(500 + 1);
    }
  });

  it('fits one tile by height on a wide stage', () => {
    expect(bestGrid(1, 1600, 450, 8).tileWidth).toBe(800);
    expect(bestGrid(0, 1600, 450, 8).cols).toBe(1);
  });

  it('leaves room for the filmstrip in spotlight', () => {
    expect(spotlightWidth(1600, 450, 0, 90, 8)).toBe(800);
    expect(spotlightWidth(1600, 450, 2, 90, 8)).toBe(Math.floor((450 - 98) * 16 / 9));
    expect(spotlightWidth(300, 900, 2, 90, 8)).toBe(300);
  });
});

/**
 * Tile sizes for the stage, so every 16:9 tile fits the visible area without scrolling: try each
 * column count and keep the one giving the largest tiles (wide screens get rows, phones columns).
 */
export interface GridFit {
  cols: number;
  rows: number;
  tileWidth: number;
}

const RATIO = 16 / 9;

export function bestGrid(count: number, width: number, height: number, gap: number): GridFit {
  const n = Math.max(1, count);
  let best: GridFit = { cols: 1, rows: n, tileWidth: 0 };
  for (let cols = 1; cols <= n; cols++) {
    const rows = Math.ceil(n / cols);
    const byWidth = (width - gap * (cols - 1)) / cols;
    const byHeight = ((height - gap * (rows - 1)) / rows) * RATIO;
    const tileWidth = Math.floor(Math.max(0, Math.min(byWidth, byHeight)));
    if (tileWidth > best.tileWidth) best = { cols, rows, tileWidth };
  }
  return best;
}

/** Spotlight: one large tile above a filmstrip row of `stripHeight` (none when alone). */
export function spotlightWidth(width: number, height: number, others: number, stripHeight: number, gap: number): number {
  const available = others > 0 ? height - stripHeight - gap : height;
  return Math.floor(Math.max(0, Math.min(width, available * RATIO)));
}

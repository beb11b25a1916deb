/**
 * A wall clock burnt into the picture as a row of black and white blocks, so a program can read it
 * back from a decoded frame (a player's canvas, a frame grabbed from a destination) and tell how
 * old that frame is: glass-to-glass latency. The value is milliseconds since the epoch modulo 2^24
 * (about 4.6 hours), one block per bit, most significant bit on the left, in a band at the top of
 * the picture; a white guard block on each side marks where the band starts and ends.
 */
export const CLOCK_BITS = 24;
const BLOCKS = CLOCK_BITS + 2;
const MODULO = 2 ** CLOCK_BITS;

/** Where the band is, as fractions of the picture: it scales with the picture wherever it is shown. */
export const CLOCK_BAND = { top: 0, heightFraction: 1 / 16 } as const;

/**
 * FFmpeg filters (joined with ",") that draw the clock of `startedAtMs + t` on the frame: a black
 * band, then for each bit a white block enabled when that bit of the time is set.
 */
export function clockBarcodeFilters(startedAtMs: number): string[] {
  const base = startedAtMs % MODULO;
  const band = `h=ih/${1 / CLOCK_BAND.heightFraction}`;
  const block = (index: number) => `x=iw*${index}/${BLOCKS}:y=0:w=iw/${BLOCKS}+1:${band}`;
  const filters = [`drawbox=x=0:y=0:w=iw:${band}:color=black:t=fill`];
  filters.push(`drawbox=${block(0)}:color=white:t=fill`, `drawbox=${block(BLOCKS - 1)}:color=white:t=fill`);
  for (let bit = 0; bit < CLOCK_BITS; bit++) {
    const weight = 2 ** (CLOCK_BITS - 1 - bit);
    // `t` is the frame's time in seconds; -re keeps it on the wall clock.
    const enable = `'mod(floor(mod(${base}+t*1000,${MODULO})/${weight}),2)'`;
    filters.push(`drawbox=${block(bit + 1)}:color=white:t=fill:enable=${enable}`);
  }
  return filters;
}

/**
 * Reads the clock back from the luma of the band's blocks, sampled at their centres, left to right
 * (`BLOCKS` values, 0–255). Undefined when the guard blocks are not white: no band there.
 */
export function readClockBarcode(lumaOfBlocks: number[]): number | undefined {
  if (lumaOfBlocks.length !== BLOCKS) return undefined;
  const white = (luma: number) => luma >= 128;
  if (!white(lumaOfBlocks[0]!) || !white(lumaOfBlocks[BLOCKS - 1]!)) return undefined;
  let value = 0;
  for (let bit = 0; bit < CLOCK_BITS; bit++) value = value * 2 + (white(lumaOfBlocks[bit + 1]!) ? 1 : 0);
  return value;
}

/** How long ago (ms) a frame stamped `stamp` was made, at wall clock `nowMs` (modulo arithmetic). */
export function clockAgeMs(stamp: number, nowMs: number): number {
  return (((nowMs % MODULO) - stamp) % MODULO + MODULO) % MODULO;
}

export const CLOCK_BLOCKS = BLOCKS;

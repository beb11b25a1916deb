/** Points sampled across the picture: enough to see any page content, cheap at 30 pictures a second. */
const GRID = 12;
/** Luma and chroma steps a blank window may vary by (none, in practice: Xvfb draws exact colours). */
const TOLERANCE = 3;

/**
 * Whether a yuv420p picture is one flat grey, white or black: what the display shows before a page
 * reaches it (Xvfb's black root, Chromium's white window). Sampled on a grid, not read whole.
 */
export function looksBlank(data: Buffer, width: number, height: number): boolean {
  const lumaSize = width * height;
  const chromaWidth = width >> 1;
  const chromaSize = chromaWidth * (height >> 1);
  let firstLuma: number | undefined;
  for (let row = 0; row < GRID; row++) {
    for (let col = 0; col < GRID; col++) {
      const x = Math.floor(((col + 0.5) * width) / GRID);
      const y = Math.floor(((row + 0.5) * height) / GRID);
      const luma = data[y * width + x]!;
      firstLuma ??= luma;
      const chroma = (y >> 1) * chromaWidth + (x >> 1);
      const u = data[lumaSize + chroma]!;
      const v = data[lumaSize + chromaSize + chroma]!;
      if (Math.abs(luma - firstLuma) > TOLERANCE || Math.abs(u - 128) > TOLERANCE || Math.abs(v - 128) > TOLERANCE) return false;
    }
  }
  return true;
}

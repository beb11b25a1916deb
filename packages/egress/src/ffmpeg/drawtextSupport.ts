import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface DrawtextSupport {
  enabled: boolean;
  /** Set when a known font file is used; otherwise drawtext asks fontconfig for its default. */
  fontFile?: string;
}

/** Debian's fonts-dejavu-core. A monospaced clock does not jitter as its digits change. */
const FONT_CANDIDATES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
];

const cache = new Map<string, Promise<DrawtextSupport>>();

/**
 * Whether this FFmpeg can burn text in: its build may lack drawtext (libfreetype) or find no font.
 * Checked once per binary by rendering one tiny frame, with a known font file if present, else
 * with fontconfig's default.
 */
export function drawtextSupport(ffmpegBinary: string): Promise<DrawtextSupport> {
  let result = cache.get(ffmpegBinary);
  if (!result) {
    result = detect(ffmpegBinary);
    cache.set(ffmpegBinary, result);
  }
  return result;
}

async function detect(binary: string): Promise<DrawtextSupport> {
  const fontFile = FONT_CANDIDATES.find((path) => existsSync(path));
  if (fontFile && (await rendersText(binary, fontFile))) return { enabled: true, fontFile };
  if (await rendersText(binary)) return { enabled: true };
  return { enabled: false };
}

function rendersText(binary: string, fontFile?: string): Promise<boolean> {
  const font = fontFile ? `fontfile='${fontFile}':` : '';
  const args = [
    '-hide_banner', '-nostdin', '-loglevel', 'error',
    '-f', 'lavfi', '-i', `color=size=64x32:rate=1,drawtext=${font}text='x'`,
    '-frames:v', '1', '-f', 'null', '-',
  ];
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: 10_000 }, (error) => resolve(!error));
  });
}

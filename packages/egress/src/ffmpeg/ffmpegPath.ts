import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** What the resolution looks at, injectable so the order of preference can be unit-tested. */
export interface FfmpegPathSources {
  env: NodeJS.ProcessEnv;
  /** The path ffmpeg-static reports, or undefined when the optional dependency is not installed. */
  staticBinary: () => string | null | undefined;
  exists: (path: string) => boolean;
}

const require = createRequire(import.meta.url);

function ffmpegStaticBinary(): string | null | undefined {
  try {
    return require('ffmpeg-static') as string | null;
  } catch {
    // Optional dependency absent (or skipped by the installer): fall through to PATH.
    return undefined;
  }
}

const defaultSources: FfmpegPathSources = { env: process.env, staticBinary: ffmpegStaticBinary, exists: existsSync };

/**
 * FFMPEG_PATH, else ffmpeg-static's binary if it is really on disk (offline, its download fails
 * and `require` still returns a path that does not exist), else `ffmpeg` from PATH.
 */
export function resolveFfmpegPath(sources: Partial<FfmpegPathSources> = {}): string {
  const { env, staticBinary, exists } = { ...defaultSources, ...sources };
  if (env.FFMPEG_PATH) return env.FFMPEG_PATH;
  const bundled = staticBinary();
  if (bundled && exists(bundled)) return bundled;
  return 'ffmpeg';
}

/** FFPROBE_PATH, else `ffprobe` from PATH (ffmpeg-static ships no ffprobe). */
export function resolveFfprobePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.FFPROBE_PATH || 'ffprobe';
}

let cachedFfmpeg: string | undefined;

/** The FFmpeg binary for this process, resolved once. */
export function ffmpegPath(): string {
  cachedFfmpeg ??= resolveFfmpegPath();
  return cachedFfmpeg;
}

/** The ffprobe binary for this process. */
export function ffprobePath(): string {
  return resolveFfprobePath();
}

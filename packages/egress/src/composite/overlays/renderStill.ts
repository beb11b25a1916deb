import { FfmpegProcess } from '../../ffmpeg/FfmpegProcess.js';

/** A still render must finish within this; FFmpeg is stopped otherwise (never a hang). */
const STILL_TIMEOUT_MS = 5000;

/** Runs FFmpeg once, feeding `input` on stdin when given, and returns its whole stdout. */
export async function renderStill(args: string[], input?: Buffer): Promise<Buffer> {
  const ffmpeg = await FfmpegProcess.spawn(args, { pipes: { stdin: input !== undefined, stdout: true } });
  const chunks: Buffer[] = [];
  ffmpeg.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  if (input) {
    // FFmpeg may exit before reading it all (a bad image): that is its exit's to report.
    ffmpeg.stdin.on('error', () => undefined);
    ffmpeg.stdin.end(input);
  }
  const timer = setTimeout(() => void ffmpeg.stop(500), STILL_TIMEOUT_MS);
  try {
    const exit = await ffmpeg.exited;
    if (exit.code !== 0) throw new Error(`FFmpeg could not render it: ${exit.stderr.slice(-2).join(' | ') || `exit ${exit.code ?? exit.signal}`}`);
    return Buffer.concat(chunks);
  } finally {
    clearTimeout(timer);
  }
}

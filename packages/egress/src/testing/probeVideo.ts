import { execFile, spawn } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath, ffprobePath } from '../ffmpeg/ffmpegPath.js';

const run = promisify(execFile);

/** The first video stream of a file as ffprobe reads it, with every frame counted. */
export function probeVideo(file: string): Promise<{ codec_name?: string; width?: number; nb_read_frames?: string }> {
  return new Promise((resolve, reject) => {
    const args = ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,width,nb_read_frames', '-of', 'json', file];
    const child = spawn(ffprobePath(), args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', () => resolve((JSON.parse(out || '{}') as { streams?: Array<Record<string, string>> }).streams?.[0] ?? {}));
  });
}

/**
 * The mean colour saturation (signalstats SATAVG) of a file's last frames: a participant's
 * testsrc2 picture is vivid, a placeholder card or the background is nearly grey.
 */
export async function meanSaturation(file: string): Promise<number> {
  const { stderr } = await run(ffmpegPath(), ['-hide_banner', '-i', file, '-vf', 'signalstats,metadata=print:key=lavfi.signalstats.SATAVG', '-f', 'null', '-'], { maxBuffer: 16 * 1024 * 1024 });
  const values = [...stderr.matchAll(/SATAVG=([\d.]+)/g)].map((m) => Number(m[1]));
  const last = values.slice(-10);
  return last.reduce((a, b) => a + b, 0) / Math.max(1, last.length);
}

/** A recorded HLS rendition's fMP4 pieces (init segment, then every segment) joined into one file ffprobe reads. */
export async function joinRendition(dir: string, into: string): Promise<string> {
  const segments = (await readdir(dir)).filter((f) => f.startsWith('seg')).sort();
  await writeFile(into, Buffer.concat(await Promise.all(['init.mp4', ...segments].map((f) => readFile(join(dir, f))))));
  return into;
}

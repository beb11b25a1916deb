import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placeholderArgs } from '../args/decoderArgs.js';
import { FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import { type YuvFrame, yuvFrameSize } from './FrameCanvas.js';

/**
 * Still tiles for participants without video (camera off, audio only): a coloured card with the
 * name, rendered once by FFmpeg's drawtext (Node has no font rasteriser) and then reused.
 */
export class Placeholders {
  readonly #cache = new Map<string, YuvFrame>();
  readonly #pending = new Set<string>();

  constructor(
    readonly color: string,
    readonly fontFile?: string,
  ) {}

  /** The placeholder if already rendered; otherwise starts rendering it and returns undefined. */
  get(name: string, width: number, height: number): YuvFrame | undefined {
    const key = `${width}x${height}:${name}`;
    const cached = this.#cache.get(key);
    if (cached || this.#pending.has(key)) return cached;
    this.#pending.add(key);
    void this.#render(name, width, height)
      .then((frame) => frame && this.#cache.set(key, frame))
      .finally(() => this.#pending.delete(key));
    return undefined;
  }

  async #render(name: string, width: number, height: number): Promise<YuvFrame | undefined> {
    const dir = await mkdtemp(join(tmpdir(), 'roomcast-ph-'));
    try {
      const labelFile = join(dir, 'label.txt');
      await writeFile(labelFile, name);
      const ffmpeg = await FfmpegProcess.spawn(placeholderArgs({ width, height, color: this.color, labelFile, fontFile: this.fontFile }), {
        pipes: { stdout: true },
      });
      const chunks: Buffer[] = [];
      ffmpeg.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      await ffmpeg.exited;
      const data = Buffer.concat(chunks);
      return data.length === yuvFrameSize(width, height) ? { width, height, data } : undefined;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

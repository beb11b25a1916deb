import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { placeholderArgs } from '../args/decoderArgs.js';
import { FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import { makeEgressTempDir } from '../tempDirs.js';
import { type YuvFrame, yuvFrameSize } from './FrameCanvas.js';

/** Renders one card; FFmpeg's drawtext by default (tests give their own). */
export type PlaceholderRenderer = (name: string, width: number, height: number) => Promise<YuvFrame | undefined>;

export interface PlaceholdersOptions {
  color: string;
  fontFile?: string;
  /**
   * Cards kept at most, least recently shown dropped first: a card is per name and tile size, and
   * every join, leave or layout change makes new ones. Enough for two full layouts.
   */
  maxCards?: number;
  /**
   * Bytes of cards kept at most (a 720p card is 1.4 MB): a handful of full-frame cards
   * (single-participant, spotlight) costs as much as dozens of grid tiles.
   */
  maxBytes?: number;
  render?: PlaceholderRenderer;
}

const DEFAULT_MAX_CARDS = 40;

/**
 * Still tiles for participants without video (camera off, audio only): a coloured card with the
 * name, rendered once by FFmpeg's drawtext (Node has no font rasteriser) and then reused while it
 * is shown. Bounded: a long broadcast with people coming and going does not keep every card.
 */
export class Placeholders {
  /** In least-recently-shown order (a Map iterates in insertion order; a hit re-inserts). */
  readonly #cache = new Map<string, YuvFrame>();
  readonly #pending = new Set<string>();
  readonly #maxCards: number;
  readonly #maxBytes: number;
  readonly #render: PlaceholderRenderer;
  #bytes = 0;

  constructor(readonly options: PlaceholdersOptions) {
    this.#maxCards = options.maxCards ?? DEFAULT_MAX_CARDS;
    this.#maxBytes = options.maxBytes ?? Number.POSITIVE_INFINITY;
    this.#render = options.render ?? ((name, width, height) => renderWithFfmpeg(name, width, height, options.color, options.fontFile));
  }

  /** Cards held now. */
  get size(): number {
    return this.#cache.size;
  }

  /** The placeholder if already rendered; otherwise starts rendering it and returns undefined. */
  get(name: string, width: number, height: number): YuvFrame | undefined {
    const key = `${width}x${height}:${name}`;
    const cached = this.#cache.get(key);
    if (cached) {
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      return cached;
    }
    if (this.#pending.has(key)) return undefined;
    this.#pending.add(key);
    this.#render(name, width, height)
      .then((frame) => frame && this.#store(key, frame))
      // A card that cannot be rendered leaves the tile on the background; the next call tries again.
      .catch(() => undefined)
      .finally(() => this.#pending.delete(key));
    return undefined;
  }

  /** Bytes of the cards held now. */
  get bytes(): number {
    return this.#bytes;
  }

  #store(key: string, frame: YuvFrame): void {
    this.#cache.set(key, frame);
    this.#bytes += frame.data.length;
    // The newest card always stays (it is being shown), whatever its size.
    for (const [oldest, card] of this.#cache) {
      if (oldest === key || (this.#cache.size <= this.#maxCards && this.#bytes <= this.#maxBytes)) break;
      this.#cache.delete(oldest);
      this.#bytes -= card.data.length;
    }
  }
}

async function renderWithFfmpeg(name: string, width: number, height: number, color: string, fontFile?: string): Promise<YuvFrame | undefined> {
  const dir = await makeEgressTempDir('card');
  try {
    const labelFile = join(dir, 'label.txt');
    await writeFile(labelFile, name);
    const ffmpeg = await FfmpegProcess.spawn(placeholderArgs({ width, height, color, labelFile, fontFile }), { pipes: { stdout: true } });
    const chunks: Buffer[] = [];
    ffmpeg.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    await ffmpeg.exited;
    const data = Buffer.concat(chunks);
    return data.length === yuvFrameSize(width, height) ? { width, height, data } : undefined;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

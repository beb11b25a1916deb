import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';

export interface WavFormat {
  sampleRate: number;
  channels: number;
}

const HEADER_BYTES = 44;
const BITS_PER_SAMPLE = 16;
/** RIFF sizes are u32: past this the header says "as long as the file" (players read to the end). */
const MAX_DATA_BYTES = 0xffffffff - (HEADER_BYTES - 8);

/** The 44-byte header of a PCM s16le WAV file holding `dataBytes` of samples. */
export function wavHeader(format: WavFormat, dataBytes: number): Buffer {
  const data = Math.min(dataBytes, MAX_DATA_BYTES);
  const blockAlign = format.channels * (BITS_PER_SAMPLE / 8);
  const header = Buffer.alloc(HEADER_BYTES);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(HEADER_BYTES - 8 + data, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // fmt chunk size for PCM
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(format.channels, 22);
  header.writeUInt32LE(format.sampleRate, 24);
  header.writeUInt32LE(format.sampleRate * blockAlign, 28);
  header.writeUInt16LE(blockAlign, 32);
  header.writeUInt16LE(BITS_PER_SAMPLE, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data, 40);
  return header;
}

/**
 * Appends PCM s16le to a WAV file as it arrives; the sizes in the header are only known at the
 * end, so the header is written with size 0 first and rewritten by `close()`.
 */
export class WavWriter {
  readonly #stream: WriteStream;
  readonly #closed: Promise<void>;
  #bytes = 0;
  #ending: Promise<void> | undefined;

  constructor(
    readonly path: string,
    readonly format: WavFormat,
  ) {
    this.#stream = createWriteStream(path);
    // The stream's error (disk full, no permission) is reported by close(), which every owner awaits.
    this.#closed = new Promise((resolve, reject) => {
      this.#stream.once('error', reject);
      this.#stream.once('close', resolve);
    });
    this.#closed.catch(() => undefined);
    this.#stream.write(wavHeader(format, 0));
  }

  get dataBytes(): number {
    return this.#bytes;
  }

  write(pcm: Buffer): void {
    if (this.#ending || this.#stream.destroyed) return;
    this.#bytes += pcm.length;
    this.#stream.write(pcm);
  }

  /** Flushes, then fixes the header's sizes. Safe to call twice. */
  close(): Promise<void> {
    this.#ending ??= this.#finish();
    return this.#ending;
  }

  async #finish(): Promise<void> {
    this.#stream.end();
    await this.#closed;
    const file = await open(this.path, 'r+');
    try {
      await file.write(wavHeader(this.format, this.#bytes), 0, HEADER_BYTES, 0);
    } finally {
      await file.close();
    }
  }
}

import { createWriteStream, type WriteStream } from 'node:fs';
import type { TranscriptData } from '@roomcast/media-stream-client';

/** `[00:01:02.500-00:01:04.250] Ada: hello there` (times: ms from the participant's first audio). */
export function formatTranscriptLine(segment: Pick<TranscriptData, 'start' | 'end' | 'userName' | 'text'>): string {
  const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();
  return `[${formatTime(segment.start)}-${formatTime(segment.end)}] ${oneLine(segment.userName) || 'unknown'}: ${oneLine(segment.text)}\n`;
}

export function formatTime(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor(total / 60_000) % 60;
  const seconds = Math.floor(total / 1000) % 60;
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}.${pad(total % 1000, 3)}`;
}

/** Appends one line per final segment; interim segments are superseded by the final one. */
export class TranscriptWriter {
  #stream: WriteStream | undefined;
  #closed: Promise<void> | undefined;

  constructor(readonly path: string) {}

  write(segment: TranscriptData): void {
    if (!segment.final || !segment.text.trim()) return;
    if (!this.#stream) {
      const stream = createWriteStream(this.path, { flags: 'a' });
      this.#closed = new Promise((resolve, reject) => {
        stream.once('error', reject);
        stream.once('close', resolve);
      });
      this.#closed.catch(() => undefined);
      this.#stream = stream;
    }
    this.#stream.write(formatTranscriptLine(segment));
  }

  /** Resolves once the lines are on disk; rejects with the stream's error. */
  async close(): Promise<void> {
    this.#stream?.end();
    await this.#closed;
  }
}

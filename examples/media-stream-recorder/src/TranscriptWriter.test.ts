import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatTime, formatTranscriptLine, TranscriptWriter } from './TranscriptWriter.js';

describe('formatTranscriptLine', () => {
  it('prints start-end, the speaker and the text on one line', () => {
    expect(formatTranscriptLine({ start: 62_500, end: 3_725_250, userName: 'Ada', text: 'hello\nthere ' })).toBe(
      '[00:01:02.500-01:02:05.250] Ada: hello there\n',
    );
    expect(formatTime(-5)).toBe('00:00:00.000');
  });
});

describe('TranscriptWriter', () => {
  it('keeps final segments only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'transcript-'));
    try {
      const writer = new TranscriptWriter(join(dir, 'transcript.txt'));
      const base = { userId: 1, userName: 'Ada', timestamp: 0 };
      writer.write({ ...base, text: 'hel', start: 0, end: 500, final: false });
      writer.write({ ...base, text: 'hello', start: 0, end: 900, final: true });
      writer.write({ ...base, userName: 'Lin', text: 'hi', start: 1000, end: 1500, final: true });
      await writer.close();
      expect(await readFile(join(dir, 'transcript.txt'), 'utf8')).toBe(
        '[00:00:00.000-00:00:00.900] Ada: hello\n[00:00:01.000-00:00:01.500] Lin: hi\n',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

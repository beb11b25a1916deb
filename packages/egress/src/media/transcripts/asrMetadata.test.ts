import { describe, expect, it } from 'vitest';
import { AsrMetadataParser, isTranscriptLine } from './asrMetadata.js';

// Lines as Debian's FFmpeg 5.1 logs them with `ametadata=mode=print:key=lavfi.asr.text`.
const FRAME = '[Parsed_ametadata_1 @ 0x55d12c59fc80] frame:29   pts:41963   pts_time:2.62269';
const TEXT = '[Parsed_ametadata_1 @ 0x55d12c59fc80] lavfi.asr.text=testing testing want to three';

describe('AsrMetadataParser', () => {
  it('pairs the frame line with the text line that follows it', () => {
    const parser = new AsrMetadataParser();
    expect(parser.push(FRAME)).toBeUndefined();
    expect(parser.push(TEXT)).toEqual({ text: 'testing testing want to three', ptsTime: 2.62269 });
  });

  it('ignores FFmpeg’s other stderr lines, before and between', () => {
    const parser = new AsrMetadataParser();
    const results = [
      "Input #0, s16le, from 'pipe:0':",
      '  Stream #0:0: Audio: pcm_s16le, 16000 Hz, mono, s16, 256 kb/s',
      FRAME,
      TEXT,
      '[s16le @ 0x1] Estimating duration from bitrate, this may be inaccurate',
      '[Parsed_ametadata_1 @ 0x1] frame:120  pts:196829  pts_time:12.3018',
      '[Parsed_ametadata_1 @ 0x1] lavfi.asr.text=the weather is nice',
    ].map((line) => parser.push(line));
    expect(results.filter(Boolean)).toEqual([
      { text: 'testing testing want to three', ptsTime: 2.62269 },
      { text: 'the weather is nice', ptsTime: 12.3018 },
    ]);
  });

  it('keeps a long utterance whole and reports an empty one as empty', () => {
    const parser = new AsrMetadataParser();
    const long = 'word '.repeat(80).trim();
    parser.push(FRAME);
    expect(parser.push(`[Parsed_ametadata_1 @ 0x1] lavfi.asr.text=${long}`)?.text).toBe(long);
    parser.push(FRAME);
    expect(parser.push('[Parsed_ametadata_1 @ 0x1] lavfi.asr.text=')).toEqual({ text: '', ptsTime: 2.62269 });
  });

  it('needs a frame line first: a text line alone is not a result', () => {
    const parser = new AsrMetadataParser();
    expect(parser.push(TEXT)).toBeUndefined();
    parser.push(FRAME);
    parser.push(TEXT);
    expect(parser.push(TEXT)).toBeUndefined();
  });

  it('marks transcript lines so they stay out of error messages', () => {
    expect(isTranscriptLine(TEXT)).toBe(true);
    expect(isTranscriptLine(FRAME)).toBe(true);
    expect(isTranscriptLine('pipe:0: Invalid data found when processing input')).toBe(false);
  });
});

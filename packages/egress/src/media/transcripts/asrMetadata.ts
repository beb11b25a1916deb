/** What the `asr` filter found: the text of one utterance and the time of the frame that ended it. */
export interface AsrResult {
  text: string;
  /** Seconds of audio (the frame's pts_time) when pocketsphinx saw the utterance end. */
  ptsTime: number;
}

const FRAME_LINE = /\]\s+frame:\s*\d+\s+pts:\s*-?\d+\s+pts_time:\s*(-?[\d.]+)\s*$/;
const TEXT_LINE = /\]\s+lavfi\.asr\.text=(.*)$/;

/**
 * Reads the stderr lines that `ametadata=mode=print:key=lavfi.asr.text` logs, two per utterance:
 *   [Parsed_ametadata_1 @ 0x…] frame:29   pts:41963   pts_time:2.62269
 *   [Parsed_ametadata_1 @ 0x…] lavfi.asr.text=testing testing one two three
 * Through the log, not `file=`: ametadata formats each file line in a 128-byte buffer, which cuts
 * a long utterance and its newline; the log keeps lines whole. Every other line is ignored.
 */
export class AsrMetadataParser {
  #ptsTime: number | undefined;

  /** One stderr line in; a result when it completes one. */
  push(line: string): AsrResult | undefined {
    const frame = FRAME_LINE.exec(line);
    if (frame) {
      this.#ptsTime = Number(frame[1]);
      return undefined;
    }
    const text = TEXT_LINE.exec(line);
    if (!text || this.#ptsTime === undefined || !Number.isFinite(this.#ptsTime)) return undefined;
    const result = { text: text[1]!.trim(), ptsTime: this.#ptsTime };
    this.#ptsTime = undefined;
    return result;
  }
}

/** True for the lines above: they hold what someone said, so they stay out of error messages. */
export function isTranscriptLine(line: string): boolean {
  return line.includes('Parsed_ametadata') || line.includes('lavfi.asr.text');
}

import path from 'node:path';

/** The three parts of a pocketsphinx model: acoustic model dir, dictionary, language model. */
export interface PocketsphinxModel {
  hmm: string;
  dict: string;
  lm: string;
}

/** The file layout of Debian's pocketsphinx-en-us (and of CMU's en-us model download). */
export function pocketsphinxModel(modelDir: string): PocketsphinxModel {
  return {
    hmm: path.join(modelDir, 'en-us'),
    dict: path.join(modelDir, 'cmudict-en-us.dict'),
    lm: path.join(modelDir, 'en-us.lm.bin'),
  };
}

/**
 * Escapes a value for a filter option inside a filtergraph (`-af`): once for the option list
 * (`:` separates options), once for the graph (`,` `;` `[` `]` separate filters). A model path
 * with such characters then stays one value.
 */
export function escapeFilterValue(value: string): string {
  const inOption = value.replace(/[\\':]/g, '\\$&');
  return inOption.replace(/[\\'[\],;]/g, '\\$&');
}

/**
 * FFmpeg reading 16 kHz mono s16le on stdin, recognizing with the `asr` filter (pocketsphinx), and
 * logging each utterance's text (see AsrMetadataParser). No output file: `-f null`.
 */
export function pocketsphinxArgs(model: PocketsphinxModel): string[] {
  const asr = [
    `hmm=${escapeFilterValue(model.hmm)}`,
    `dict=${escapeFilterValue(model.dict)}`,
    `lm=${escapeFilterValue(model.lm)}`,
    // pocketsphinx logs every utterance's search statistics: keep them out of our stderr.
    'logfn=/dev/null',
  ].join(':');
  return [
    // `info`: ametadata prints at that level. -nostats: no progress line twice a second.
    '-hide_banner', '-nostdin', '-nostats', '-loglevel', 'info',
    // Raw PCM of known format: no probing delay before the first frame.
    '-f', 's16le', '-ar', '16000', '-ac', '1', '-probesize', '32', '-analyzeduration', '0',
    '-i', 'pipe:0',
    '-af', `asr=${asr},ametadata=mode=print:key=lavfi.asr.text`,
    '-f', 'null', '-',
  ];
}

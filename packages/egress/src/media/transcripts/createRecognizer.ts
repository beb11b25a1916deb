import { HttpRecognizer } from './HttpRecognizer.js';
import { PocketsphinxRecognizer } from './PocketsphinxRecognizer.js';
import type { Recognizer } from './Recognizer.js';
import type { TranscriptsConfig } from './transcriptsConfig.js';

/** The configured recognizer; undefined for `none` (streams then say their transcripts are unavailable). */
export function createRecognizer(config: TranscriptsConfig): Recognizer | undefined {
  switch (config.recognizer) {
    case 'none':
      return undefined;
    case 'pocketsphinx':
      return new PocketsphinxRecognizer({ modelDir: config.pocketsphinx.modelDir });
    case 'http':
      return new HttpRecognizer(config.http);
  }
}

import { execFile } from 'node:child_process';
import { access, stat } from 'node:fs/promises';
import { ffmpegPath } from '../../ffmpeg/ffmpegPath.js';
import { type PocketsphinxModel, pocketsphinxArgs, pocketsphinxModel } from './pocketsphinxArgs.js';
import { PocketsphinxSession } from './PocketsphinxSession.js';
import type { Recognizer, RecognizerSession, RecognizerSessionOptions } from './Recognizer.js';
import { DEFAULT_POCKETSPHINX_MODEL_DIR } from './transcriptsConfig.js';

export interface PocketsphinxRecognizerOptions {
  /** Holds `en-us/`, `cmudict-en-us.dict` and `en-us.lm.bin` (Debian's pocketsphinx-en-us layout). */
  modelDir?: string;
  /** Defaults to ffmpegPath(). */
  ffmpegBinary?: string;
}

/**
 * Offline speech recognition with Debian FFmpeg's `asr` filter (pocketsphinx), one FFmpeg per
 * session. Light on silence, about a third of a core while someone speaks; accuracy is modest.
 */
export class PocketsphinxRecognizer implements Recognizer {
  readonly name = 'pocketsphinx';
  readonly #model: PocketsphinxModel;
  readonly #binary: string | undefined;
  #available: Promise<boolean> | undefined;

  constructor(options: PocketsphinxRecognizerOptions = {}) {
    this.#model = pocketsphinxModel(options.modelDir ?? DEFAULT_POCKETSPHINX_MODEL_DIR);
    this.#binary = options.ffmpegBinary;
  }

  /** This FFmpeg has the `asr` filter (not every build links pocketsphinx) and the model is there. Checked once. */
  available(): Promise<boolean> {
    this.#available ??= Promise.all([hasAsrFilter(this.#binary ?? ffmpegPath()), modelPresent(this.#model)]).then(
      ([filter, model]) => filter && model,
    );
    return this.#available;
  }

  open(options: RecognizerSessionOptions): RecognizerSession {
    return new PocketsphinxSession({ ...options, args: pocketsphinxArgs(this.#model), binary: this.#binary });
  }
}

function hasAsrFilter(binary: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(binary, ['-hide_banner', '-filters'], { timeout: 10_000 }, (error, stdout) => {
      // A line like " ... asr               A->A       Automatic Speech Recognition."
      resolve(!error && /^\s*\S+\s+asr\s+A->A\s/m.test(stdout));
    });
  });
}

async function modelPresent(model: PocketsphinxModel): Promise<boolean> {
  try {
    const [hmm] = await Promise.all([stat(model.hmm), access(model.dict), access(model.lm)]);
    return hmm.isDirectory();
  } catch {
    return false;
  }
}

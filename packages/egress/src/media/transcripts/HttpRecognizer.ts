import { HttpRecognizerSession } from './HttpRecognizerSession.js';
import type { Recognizer, RecognizerSession, RecognizerSessionOptions } from './Recognizer.js';
import type { HttpRecognizerConfig } from './transcriptsConfig.js';
import type { UtteranceSegmenterOptions } from './UtteranceSegmenter.js';

/**
 * Speech-to-text by any HTTP endpoint that takes an OpenAI-style transcription request (a
 * self-hosted Whisper server, say): each utterance becomes one request.
 */
export class HttpRecognizer implements Recognizer {
  readonly name = 'http';
  readonly #config: HttpRecognizerConfig;
  readonly #segmenter: UtteranceSegmenterOptions | undefined;

  constructor(config: HttpRecognizerConfig, segmenter?: UtteranceSegmenterOptions) {
    this.#config = config;
    this.#segmenter = segmenter;
  }

  /**
   * A URL is configured. No probe: transcription routes often answer a HEAD or an OPTIONS with 404
   * or 405, a probe at start would fix a momentary outage for the process's life, and every failed
   * request is reported through onError anyway.
   */
  async available(): Promise<boolean> {
    return Boolean(this.#config.url);
  }

  open(options: RecognizerSessionOptions): RecognizerSession {
    return new HttpRecognizerSession({ ...options, config: this.#config, segmenter: this.#segmenter });
  }
}

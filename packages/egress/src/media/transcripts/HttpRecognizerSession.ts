import { RECOGNIZER_SAMPLE_RATE, type RecognizerSession, type RecognizerSessionOptions, safeCall } from './Recognizer.js';
import { transcribeWav } from './httpTranscription.js';
import type { HttpRecognizerConfig } from './transcriptsConfig.js';
import { type Utterance, UtteranceSegmenter, type UtteranceSegmenterOptions } from './UtteranceSegmenter.js';
import { buildWav } from './wav.js';

/** Utterances waiting for the endpoint beyond this are dropped, oldest first: a slow server must not grow memory. */
const MAX_QUEUED = 4;

export interface HttpRecognizerSessionOptions extends RecognizerSessionOptions {
  config: HttpRecognizerConfig;
  segmenter?: UtteranceSegmenterOptions;
}

/**
 * One participant's speech, cut into utterances by energy and sent one at a time (segments stay
 * in order) to the HTTP endpoint. A failed request loses that utterance, says so through onError,
 * and the session goes on.
 */
export class HttpRecognizerSession implements RecognizerSession {
  readonly #options: HttpRecognizerSessionOptions;
  readonly #segmenter: UtteranceSegmenter;
  readonly #queue: Utterance[] = [];
  /** Aborts the request in flight when close() gives up waiting. */
  readonly #abort = new AbortController();
  #sending: Promise<void> | undefined;
  #closing = false;
  #closed: Promise<void> | undefined;
  #silent = false;

  constructor(options: HttpRecognizerSessionOptions) {
    this.#options = options;
    this.#segmenter = new UtteranceSegmenter({ sampleRate: RECOGNIZER_SAMPLE_RATE, ...options.segmenter });
  }

  write(pcm: Buffer): void {
    if (this.#closing) return;
    for (const utterance of this.#segmenter.push(pcm)) this.#enqueue(utterance);
  }

  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    this.#closing = true;
    const last = this.#segmenter.flush();
    if (last) this.#enqueue(last);
    // The last words get their answer, within one request timeout; then whatever is left goes.
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#options.config.timeoutMs)));
    await Promise.race([this.#drained(), deadline]);
    clearTimeout(timer);
    this.#queue.length = 0;
    this.#abort.abort();
    await this.#sending;
    this.#silent = true;
  }

  async #drained(): Promise<void> {
    while (this.#sending) await this.#sending;
  }

  #enqueue(utterance: Utterance): void {
    this.#queue.push(utterance);
    if (this.#queue.length > MAX_QUEUED) {
      const dropped = this.#queue.shift()!;
      this.#report(new Error(`speech-to-text is behind: dropped the utterance at ${dropped.start} ms`));
    }
    // The owner of the sending loop: #sendAll catches each request's failure itself.
    this.#sending ??= this.#sendAll().finally(() => (this.#sending = undefined));
  }

  async #sendAll(): Promise<void> {
    for (let utterance = this.#queue.shift(); utterance; utterance = this.#queue.shift()) {
      await this.#send(utterance);
    }
  }

  async #send(utterance: Utterance): Promise<void> {
    const { config } = this.#options;
    const wav = buildWav(utterance.pcm, RECOGNIZER_SAMPLE_RATE);
    const signal = AbortSignal.any([this.#abort.signal, AbortSignal.timeout(config.timeoutMs)]);
    try {
      const text = await transcribeWav(wav, config, signal);
      if (text && !this.#silent) {
        safeCall(this.#options.onSegment, { text, start: utterance.start, end: utterance.end, final: true });
      }
    } catch (error) {
      if (!this.#abort.signal.aborted) this.#report(error as Error);
    }
  }

  #report(error: Error): void {
    if (!this.#silent) safeCall(this.#options.onError, error);
  }
}


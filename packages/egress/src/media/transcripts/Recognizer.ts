/** One piece of recognized speech. Times are ms since the session's first written sample. */
export interface RecognizedSegment {
  text: string;
  start: number;
  end: number;
  /** Both recognizers here only emit finished utterances: always true for now. */
  final: boolean;
}

export interface RecognizerSessionOptions {
  onSegment: (segment: RecognizedSegment) => void;
  /** A failure that did not end the session (it goes on, or restarts by itself). Never holds a secret. */
  onError?: (error: Error) => void;
}

/**
 * One participant's speech. `write` expects CONTINUOUS 16 kHz mono s16le audio, silence included:
 * both recognizers find the end of an utterance in the silence that follows it, and count time
 * from the samples written, so a caller that writes only while someone speaks gets no (or late)
 * segments with wrong times.
 */
export interface RecognizerSession {
  write(pcm16kMonoS16le: Buffer): void;
  /** Ends the utterance in progress (its segment is delivered before this resolves), then stops. No callback after. */
  close(): Promise<void>;
}

export interface Recognizer {
  readonly name: string;
  /** Checked once at start: false → handshakes say TRANSCRIPT_UNAVAILABLE. */
  available(): Promise<boolean>;
  open(options: RecognizerSessionOptions): RecognizerSession;
}

/** The rate every session reads: what pocketsphinx's en-us model and Whisper both expect. */
export const RECOGNIZER_SAMPLE_RATE = 16_000;
/** Bytes of s16le mono at that rate per ms. */
export const BYTES_PER_MS = (RECOGNIZER_SAMPLE_RATE * 2) / 1000;

/** Calls a listener without letting its exception break the session that calls it. */
export function safeCall<T>(listener: ((value: T) => void) | undefined, value: T): void {
  try {
    listener?.(value);
  } catch {
    // The listener's own bug: the session must go on for the other callbacks.
  }
}

import type { AudioSource, RecognizerLike, RecognizerSessionLike, TranscriptSegmentOut } from './feedPorts.js';
import type { AudioFrame } from './types.js';

/** The recognizers' input: what AudioHub decodes for them. */
const RECOGNIZER_FORMAT = { codec: 'pcm_s16le', sample_rate: 16000 } as const;
/** A participant silent (muted, paused, gone quiet) this long gets trailing silence, so their last utterance ends. */
const GAP_MS = 400;
const FLUSH_SILENCE = Buffer.alloc(16000 * 2 * 1.2);

export type TranscriptListener = (participantId: string, segment: TranscriptSegmentOut) => void;

interface Speaker {
  session: RecognizerSessionLike;
  lastFrameAt: number;
  flushed: boolean;
}

export interface RoomTranscriberOptions {
  audio: AudioSource;
  recognizer: RecognizerLike;
  /** The participant keeps their media from apps: their audio is not transcribed (silence instead). */
  withheld: (participantId: string) => boolean;
  onError: (error: unknown, what: string) => void;
}

/**
 * One recognizer session per speaking participant of a room, shared by every stream that wants
 * transcripts (a recognizer costs about a third of a core while someone speaks: one per stream
 * would not scale). Runs while at least one stream listens. Recognizers find the end of an
 * utterance in silence, so a participant whose audio stops is sent silence.
 */
export class RoomTranscriber {
  readonly #listeners = new Set<TranscriptListener>();
  readonly #speakers = new Map<string, Speaker>();
  #unsubscribe: (() => void) | undefined;
  #gapTimer: NodeJS.Timeout | undefined;

  constructor(readonly options: RoomTranscriberOptions) {}

  subscribe(listener: TranscriptListener): () => void {
    this.#listeners.add(listener);
    if (!this.#unsubscribe) {
      this.#unsubscribe = this.options.audio.subscribe(RECOGNIZER_FORMAT, (frame) => this.#write(frame));
      this.#gapTimer = setInterval(() => this.#flushGaps(), GAP_MS);
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.close().catch((error: unknown) => this.options.onError(error, 'stop transcribing a room'));
    };
  }

  /** A participant left: their session ends (its last words still reach the listeners). */
  async forget(participantId: string): Promise<void> {
    const speaker = this.#speakers.get(participantId);
    this.#speakers.delete(participantId);
    await speaker?.session.close();
  }

  async close(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    clearInterval(this.#gapTimer);
    const sessions = [...this.#speakers.values()].map((s) => s.session);
    this.#speakers.clear();
    await Promise.all(sessions.map((session) => session.close()));
  }

  #write(frame: AudioFrame): void {
    const participantId = frame.participantId;
    if (!participantId) return;
    const speaker = this.#speakers.get(participantId) ?? this.#open(participantId);
    speaker.lastFrameAt = Date.now();
    speaker.flushed = false;
    // Continuous audio, silence included: what is withheld is replaced by silence, never skipped.
    speaker.session.write(this.options.withheld(participantId) ? Buffer.alloc(frame.data.length) : frame.data);
  }

  #open(participantId: string): Speaker {
    const session = this.options.recognizer.open({
      onSegment: (segment) => {
        for (const listener of this.#listeners) listener(participantId, segment);
      },
      onError: (error) => this.options.onError(error, `transcribe participant ${participantId}`),
    });
    const speaker = { session, lastFrameAt: Date.now(), flushed: false };
    this.#speakers.set(participantId, speaker);
    return speaker;
  }

  #flushGaps(): void {
    const now = Date.now();
    for (const speaker of this.#speakers.values()) {
      if (speaker.flushed || now - speaker.lastFrameAt < GAP_MS) continue;
      speaker.flushed = true;
      speaker.session.write(FLUSH_SILENCE);
    }
  }
}

import type { FrameKind } from './SendQueue.js';
import { eventMessage } from './messages.js';
import { mediaDroppedFrames } from './rtmsMetrics.js';

export interface QueueDrainerOptions {
  /** One drain step (SendQueue.flush); returns true while frames are still queued. */
  pump: () => boolean;
  /** Sends the `media_dropped` event (msg 6) to the app. */
  report: (event: object) => void;
  /** How often to retry while frames wait (ws has no 'drain' event to wait for). */
  pollMs?: number;
  /** At most one `media_dropped` event per this many ms. */
  reportIntervalMs?: number;
  now?: () => number;
}

/**
 * The timer side of a media socket's send queue: polls the socket's buffer only while frames wait
 * or a drop report is due, counts drops (for metrics and the app) and tells the app at most once a
 * second: `{msg_type: 6, event: {event_type: "media_dropped", audio_frames, video_frames,
 * transcript_frames, timestamp}}`, counting what was dropped since the previous report.
 */
export class QueueDrainer {
  readonly #options: Required<QueueDrainerOptions>;
  readonly #totals: Record<FrameKind, number> = { audio: 0, video: 0, transcript: 0, control: 0 };
  #unreported: Record<FrameKind, number> = { audio: 0, video: 0, transcript: 0, control: 0 };
  #reportDue = false;
  #lastReport = -Infinity;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: QueueDrainerOptions) {
    this.#options = { pollMs: 20, reportIntervalMs: 1000, now: () => Date.now(), ...options };
  }

  dropped(kind: FrameKind, count: number): void {
    this.#totals[kind] += count;
    this.#unreported[kind] += count;
    this.#reportDue = true;
    mediaDroppedFrames.inc({ kind }, count);
    this.wake();
  }

  /** Something was queued: poll until it has gone out. */
  wake(): void {
    if (this.#timer || this.#stopped) return;
    this.#timer = setInterval(() => this.#tick(), this.#options.pollMs);
  }

  totals(): Record<FrameKind, number> {
    return { ...this.#totals };
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  #tick(): void {
    const busy = this.#options.pump();
    this.#maybeReport();
    if (!busy && !this.#reportDue) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** The report goes past the queue: a few bytes a second, and it must not wait behind the backlog it reports. */
  #maybeReport(): void {
    const now = this.#options.now();
    if (!this.#reportDue || now - this.#lastReport < this.#options.reportIntervalMs) return;
    const u = this.#unreported;
    this.#options.report(eventMessage('media_dropped', { audio_frames: u.audio, video_frames: u.video, transcript_frames: u.transcript }));
    this.#unreported = { audio: 0, video: 0, transcript: 0, control: 0 };
    this.#reportDue = false;
    this.#lastReport = now;
  }
}

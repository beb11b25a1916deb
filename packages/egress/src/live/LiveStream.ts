import type { Layout, LiveStreamActor, LiveStreamInfo, LiveStreamStatus, Quality, RecordingAsset } from '@roomcast/protocol';
import type { RoomView } from '@roomcast/sfu';
import type { LiveLadder } from './LiveLadder.js';

export interface LiveStreamSpec {
  id: string;
  name: string;
  room: RoomView;
  recording: { hls_vod: boolean; mp4: boolean };
  startedBy: LiveStreamActor;
  /** The directory it owns: one subdirectory per rendition. */
  dir: string;
  playbackUrl: string;
  /**
   * An earlier egress process's live stream going on (issue 13): its creation and start are that
   * one's. `elsewhere`: it ran on an egress node that was lost, so none of its files are here.
   */
  resumed?: { createdAt: Date; startedAt: Date | null; elsewhere?: boolean };
  /** Signs a URL handed out (HLS_SIGNED_URLS) afresh on every read, so each one lasts its full TTL. */
  signUrl: (url: string) => string;
}

/** How a live stream ended: stopped on request (or at shutdown), or failed with a fixed-phrase reason. */
export type LiveStreamOutcome = { status: 'stopped'; by: LiveStreamActor } | { status: 'failed'; reason: string };

const ACTIVE: ReadonlySet<LiveStreamStatus> = new Set(['starting', 'running', 'stopping']);

/**
 * One live stream's record and status: starting → running (first part) → stopping → stopped, or
 * failed. LiveStreamService drives the transitions; this only keeps them consistent.
 */
export class LiveStream {
  readonly createdAt: Date;
  /** Set when the composite is claimed (the running composite's quality, or the requested one). */
  quality: Quality | undefined;
  /** Its ladder, top first; set with `quality`. */
  renditions: Quality[] = [];
  /**
   * Its renditions (one per quality of the ladder) and the encodes they read; set once the start
   * begins, kept after a stop only while its files are served (recordings).
   */
  rendition: LiveLadder | undefined;
  /** Settles (never rejects) once the start is over, rendition made or not. */
  opening: Promise<void> = Promise.resolve();
  /** Settles once the stream has ended and its rendition stopped; set by the first stop or failure. */
  ending: Promise<void> | undefined;
  /** The recording's finished assets, listed once ready (`recording.ready`). */
  assets: RecordingAsset[] = [];
  #status: LiveStreamStatus = 'starting';
  #startedAt: Date | null = null;
  #stoppedAt: Date | null = null;
  #stoppedBy: LiveStreamActor | null = null;
  #error: string | null = null;
  #firstPart: () => void = () => undefined;
  /** Resolves once it has its first part (never, if it ends before). */
  readonly firstPart = new Promise<void>((resolve) => (this.#firstPart = resolve));

  /** The composite's layout as last seen (a resumed stream's composite starts with it). */
  layout: Layout | undefined;

  constructor(readonly spec: LiveStreamSpec) {
    this.createdAt = spec.resumed?.createdAt ?? new Date();
    this.#startedAt = spec.resumed?.startedAt ?? null;
  }

  get resumed(): boolean {
    return this.spec.resumed !== undefined;
  }

  /** How its renditions go on: from the files here (a restarted process), or past a lost node's run (seconds since it was created). */
  renditionResume(now = Date.now()): { resume?: boolean; continueAfterS?: number } {
    const resumed = this.spec.resumed;
    if (!resumed) return {};
    return resumed.elsewhere ? { continueAfterS: (now - resumed.createdAt.getTime()) / 1000 } : { resume: true };
  }

  get id(): string {
    return this.spec.id;
  }

  get room(): RoomView {
    return this.spec.room;
  }

  get status(): LiveStreamStatus {
    return this.#status;
  }

  /** Starting, running or stopping: it needs the composite. */
  get active(): boolean {
    return ACTIVE.has(this.#status);
  }

  get recorded(): boolean {
    // An MP4 is remuxed from the kept segments, so it needs them all too.
    return this.spec.recording.hls_vod || this.spec.recording.mp4;
  }

  /** starting → running; false if it was not starting (stopped meanwhile). */
  markRunning(): boolean {
    if (this.#status !== 'starting') return false;
    this.#status = 'running';
    this.#startedAt ??= new Date();
    this.#firstPart();
    return true;
  }

  /** A stop was asked for: `stopping` until the rendition has flushed. */
  markStopping(by: LiveStreamActor): void {
    if (!this.active) return;
    this.#status = 'stopping';
    this.#stoppedBy = by;
  }

  markEnded(outcome: LiveStreamOutcome): void {
    this.#status = outcome.status;
    this.#stoppedAt = new Date();
    if (outcome.status === 'stopped') this.#stoppedBy ??= outcome.by;
    else this.#error = outcome.reason;
  }

  info(): LiveStreamInfo {
    return {
      id: this.spec.id,
      name: this.spec.name,
      room: this.spec.room.name,
      status: this.#status,
      playback: { url: this.spec.signUrl(this.spec.playbackUrl) },
      renditions: [...this.renditions],
      recording: { ...this.spec.recording, assets: this.assets.map((a) => ({ ...a, url: this.spec.signUrl(a.url) })) },
      created_at: this.createdAt.toISOString(),
      started_at: this.#startedAt?.toISOString() ?? null,
      started_by: this.spec.startedBy,
      stopped_at: this.#stoppedAt?.toISOString() ?? null,
      stopped_by: this.#stoppedBy,
      error: this.#error,
    };
  }
}

import type { MediaStreamVideoOptions } from '@roomcast/protocol';
import type { RoomView } from '@roomcast/sfu';
import type { RestartPolicyOptions } from '../../composite/RestartPolicy.js';
import type { PortAllocator } from '../../rtp/PortAllocator.js';
import type { VideoFormat, VideoFrame } from '../types.js';
import { ShownCamera } from './ShownCamera.js';
import { pickCamera, roomCameras } from './videoTarget.js';

export type VideoFeedSource = NonNullable<MediaStreamVideoOptions['source']>;

export interface VideoFeedOptions {
  room: RoomView;
  ports: PortAllocator;
  format: VideoFormat;
  source: VideoFeedSource;
  onFrame: (frame: VideoFrame) => void;
  /** A transcoder failed (it is retried with backoff): for the log. */
  onError?: (error: unknown) => void;
  /** Least time between two switches of the shown camera (default 1000 ms). */
  switchDebounceMs?: number;
  restart?: RestartPolicyOptions;
}

const ROOM_EVENTS = ['activeSpeaker', 'producerAdded', 'producerRemoved', 'producerPaused', 'participantLeft'] as const;

/**
 * One stream's video: the active speaker's camera (or one participant's), transcoded to H.264 or
 * JPEG. A switch starts the new camera's transcoder beside the old one and cuts over at its first
 * keyframe, so the app's stream always restarts at a keyframe; switches are at least
 * `switchDebounceMs` apart so a lively conversation does not thrash transcoders.
 */
export class VideoFeed {
  /** The camera whose frames go out. */
  #current: ShownCamera | undefined;
  /** The camera switched to, until its first keyframe. */
  #next: ShownCamera | undefined;
  #lastSwitchAt = -Infinity;
  #debounceTimer: NodeJS.Timeout | undefined;
  readonly #closing = new Set<Promise<void>>();
  readonly #onRoomChange = () => this.#evaluate();
  readonly #onRoomClosed = () => void this.close();
  #closed = false;

  private constructor(readonly options: VideoFeedOptions) {}

  /** Never throws: failures are reported to onError and retried. */
  static start(options: VideoFeedOptions): VideoFeed {
    const feed = new VideoFeed(options);
    for (const event of ROOM_EVENTS) options.room.on(event, feed.#onRoomChange);
    options.room.on('closed', feed.#onRoomClosed);
    feed.#evaluate();
    return feed;
  }

  /** The participant whose frames go out now. */
  get shownParticipantId(): string | undefined {
    return this.#current?.camera.participantId;
  }

  /** Transcoder pids (the shown one and one being switched to). */
  pids(): number[] {
    return [this.#current?.pid, this.#next?.pid].filter((pid): pid is number => pid !== undefined);
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      clearTimeout(this.#debounceTimer);
      for (const event of ROOM_EVENTS) this.options.room.off(event, this.#onRoomChange);
      this.options.room.off('closed', this.#onRoomClosed);
      this.#retire(this.#current);
      this.#retire(this.#next);
      this.#current = this.#next = undefined;
    }
    while (this.#closing.size > 0) await Promise.all(this.#closing);
  }

  #evaluate(): void {
    if (this.#closed) return;
    const { room, source } = this.options;
    const cameras = roomCameras(room);
    const live = (shown: ShownCamera | undefined) => shown && cameras.some((c) => c.producerId === shown.camera.producerId);
    // A camera that went away is dropped at once: it sends nothing any more.
    if (this.#current && !live(this.#current)) this.#current = this.#retire(this.#current);
    if (this.#next && !live(this.#next)) this.#next = this.#retire(this.#next);
    const heading = this.#next ?? this.#current;
    const target = pickCamera(cameras, source, room.activeSpeakerId, heading?.camera.participantId);
    if (target?.producerId === heading?.camera.producerId) return;
    if (target?.producerId === this.#current?.camera.producerId) {
      // Back to the one still shown before the switch completed.
      this.#next = this.#retire(this.#next);
      return;
    }
    if (!target) return;
    const wait = this.#lastSwitchAt + (this.options.switchDebounceMs ?? 1000) - Date.now();
    if (this.#current && wait > 0) {
      clearTimeout(this.#debounceTimer);
      this.#debounceTimer = setTimeout(() => this.#evaluate(), wait);
      return;
    }
    this.#lastSwitchAt = Date.now();
    this.#retire(this.#next);
    this.#next = new ShownCamera({
      room,
      ports: this.options.ports,
      format: this.options.format,
      camera: target,
      restart: this.options.restart,
      onFrame: (shown, frame) => this.#onFrame(shown, frame),
      onError: (error) => this.#report(error),
    });
  }

  #onFrame(shown: ShownCamera, frame: VideoFrame): void {
    if (this.#closed) return;
    if (shown === this.#next) {
      // Cut over only at a keyframe: what the app gets next decodes on its own.
      if (!frame.keyFrame) return;
      this.#retire(this.#current);
      this.#current = shown;
      this.#next = undefined;
    }
    if (shown !== this.#current) return;
    try {
      this.options.onFrame(frame);
    } catch (error) {
      this.#report(error);
    }
  }

  /** Closes a camera's transcoder in the background (close() waits for it); returns undefined. */
  #retire(shown: ShownCamera | undefined): undefined {
    if (!shown) return undefined;
    const closing = shown.close().catch((error: unknown) => this.#report(error));
    this.#closing.add(closing);
    void closing.finally(() => this.#closing.delete(closing));
    return undefined;
  }

  #report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // A failing logger must not stop the video.
    }
  }
}

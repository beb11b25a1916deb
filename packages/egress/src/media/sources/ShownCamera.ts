import type { RoomView } from '@roomcast/sfu';
import { RestartPolicy, type RestartPolicyOptions } from '../../composite/RestartPolicy.js';
import type { PortAllocator } from '../../rtp/PortAllocator.js';
import type { VideoFormat, VideoFrame } from '../types.js';
import type { Camera } from './videoTarget.js';
import { VideoTranscoder } from './VideoTranscoder.js';

export const DEFAULT_VIDEO_RESTART: RestartPolicyOptions = { initialDelayMs: 1000, maxDelayMs: 30_000, healthyAfterMs: 30_000, jitter: 0.2 };

export interface ShownCameraOptions {
  room: RoomView;
  ports: PortAllocator;
  format: VideoFormat;
  camera: Camera;
  restart?: RestartPolicyOptions;
  onFrame: (shown: ShownCamera, frame: VideoFrame) => void;
  onError: (error: unknown) => void;
}

/** One camera a feed shows (or is about to): its transcoder, started again with backoff if it dies. */
export class ShownCamera {
  readonly #policy: RestartPolicy;
  #transcoder: VideoTranscoder | undefined;
  #starting: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #startedAt = 0;
  #closed = false;

  constructor(readonly options: ShownCameraOptions) {
    this.#policy = new RestartPolicy(options.restart ?? DEFAULT_VIDEO_RESTART);
    this.#start();
  }

  get camera(): Camera {
    return this.options.camera;
  }

  get pid(): number | undefined {
    return this.#transcoder?.pid;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    await this.#starting;
    await this.#transcoder?.close();
  }

  #start(): void {
    const o = this.options;
    this.#startedAt = Date.now();
    this.#starting = VideoTranscoder.start({
      room: o.room,
      ports: o.ports,
      format: o.format,
      producerId: o.camera.producerId,
      participantId: o.camera.participantId,
      onFrame: (frame) => !this.#closed && o.onFrame(this, frame),
      onExit: (stderr) => this.#died(new Error(`video transcoder died: ${stderr.slice(-3).join(' | ')}`)),
    }).then(
      async (transcoder) => {
        this.#transcoder = transcoder;
        if (this.#closed) await transcoder.close();
      },
      (error: unknown) => this.#died(error),
    );
  }

  #died(error: unknown): void {
    this.#transcoder = undefined;
    if (this.#closed) return;
    this.options.onError(error);
    const delay = this.#policy.onExit(Date.now() - this.#startedAt) ?? DEFAULT_VIDEO_RESTART.maxDelayMs;
    this.#retryTimer = setTimeout(() => !this.#closed && this.#start(), delay);
  }
}

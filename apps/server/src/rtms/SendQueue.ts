/** What the queue writes to: a `ws` WebSocket satisfies it. */
export interface QueueSink {
  readonly bufferedAmount: number;
  send(data: string | Uint8Array): void;
}

/** `control`: stream/session states and events, never dropped while media can be dropped instead. */
export type FrameKind = 'audio' | 'video' | 'transcript' | 'control';

export interface OutgoingFrame {
  kind: FrameKind;
  /** Video only: the frame decodes on its own (H.264 IDR or any JPEG). */
  keyFrame?: boolean;
  data: string | Uint8Array;
}

export interface SendQueueLimits {
  /** Above this many bytes in the socket's own buffer, frames wait in the queue. */
  highWaterBytes: number;
  /** The queue's bounds: past either one, the oldest media frames are dropped. */
  maxQueuedBytes: number;
  maxQueuedFrames: number;
}

export const DEFAULT_SEND_QUEUE_LIMITS: SendQueueLimits = {
  highWaterBytes: 512 * 1024,
  maxQueuedBytes: 1024 * 1024,
  maxQueuedFrames: 500,
};

interface Queued extends OutgoingFrame {
  bytes: number;
}

/**
 * One media socket's bounded send path (issue 11, point 7): frames go straight to the socket
 * while its buffer is under the high-water mark, wait here above it, and past the queue's bounds
 * the oldest media is dropped: an audio frame on its own, a video frame together with the video
 * frames after it up to the next keyframe (they cannot be decoded without it). Transcripts and
 * control messages go only when no media is left to drop. So a slow app costs at most its
 * socket buffer's high-water mark plus the queue's bounds, however long it stalls.
 */
export class SendQueue {
  readonly #sink: QueueSink;
  readonly #limits: SendQueueLimits;
  readonly #onDrop: (kind: FrameKind, count: number) => void;
  #frames: Queued[] = [];
  #bytes = 0;
  /** Video was dropped with no keyframe after it: later video waits for the next keyframe. */
  #awaitKeyFrame = false;

  constructor(sink: QueueSink, limits: SendQueueLimits, onDrop: (kind: FrameKind, count: number) => void) {
    this.#sink = sink;
    this.#limits = limits;
    this.#onDrop = onDrop;
  }

  get queuedFrames(): number {
    return this.#frames.length;
  }

  get queuedBytes(): number {
    return this.#bytes;
  }

  /** Sends or queues a frame; returns true when it went to the socket now. */
  push(frame: OutgoingFrame): boolean {
    if (frame.kind === 'video') {
      if (frame.keyFrame) this.#awaitKeyFrame = false;
      else if (this.#awaitKeyFrame) {
        this.#onDrop('video', 1);
        return false;
      }
    }
    if (this.#frames.length === 0 && this.#sink.bufferedAmount < this.#limits.highWaterBytes) {
      this.#sink.send(frame.data);
      return true;
    }
    const bytes = typeof frame.data === 'string' ? Buffer.byteLength(frame.data) : frame.data.byteLength;
    this.#frames.push({ ...frame, bytes });
    this.#bytes += bytes;
    this.#enforceBounds();
    return false;
  }

  /** Writes queued frames while the socket's buffer is under the high-water mark; returns how many. */
  flush(): number {
    let sent = 0;
    while (this.#frames.length > 0 && this.#sink.bufferedAmount < this.#limits.highWaterBytes) {
      const frame = this.#frames.shift()!;
      this.#bytes -= frame.bytes;
      this.#sink.send(frame.data);
      sent++;
    }
    return sent;
  }

  clear(): void {
    this.#frames = [];
    this.#bytes = 0;
  }

  #enforceBounds(): void {
    while (this.#frames.length > this.#limits.maxQueuedFrames || this.#bytes > this.#limits.maxQueuedBytes) {
      this.#dropOldest();
    }
  }

  #dropOldest(): void {
    let index = this.#frames.findIndex((f) => f.kind === 'audio' || f.kind === 'video');
    if (index === -1) index = this.#frames.findIndex((f) => f.kind === 'transcript');
    if (index === -1) index = 0;
    const kind = this.#frames[index]!.kind;
    if (kind !== 'video') {
      this.#remove([index]);
      this.#onDrop(kind, 1);
      return;
    }
    const doomed = [index];
    let nextKey = false;
    for (let i = index + 1; i < this.#frames.length; i++) {
      const frame = this.#frames[i]!;
      if (frame.kind !== 'video') continue;
      if (frame.keyFrame) {
        nextKey = true;
        break;
      }
      doomed.push(i);
    }
    if (!nextKey) this.#awaitKeyFrame = true;
    this.#remove(doomed);
    this.#onDrop('video', doomed.length);
  }

  #remove(indexes: number[]): void {
    const gone = new Set(indexes);
    for (const i of indexes) this.#bytes -= this.#frames[i]!.bytes;
    this.#frames = this.#frames.filter((_, i) => !gone.has(i));
  }
}

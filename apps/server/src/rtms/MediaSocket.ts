import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import {
  MediaHandshakeSchema,
  RtmsMsgType,
  RtmsStatus,
  type MediaStreamKind,
  type MediaStreamState,
} from '@roomcast/protocol';
import { verifyHandshake } from './handshake.js';
import { mediaMessage, type MediaPayload } from './mediaFrames.js';
import { RtmsCloseCode, describeIssue, sessionList, sessionStateMessage, streamStateMessage, type RtmsMessage } from './messages.js';
import type { AppLookup, MediaConnection, SessionUpdate, StreamLike, StreamLookup } from './ports.js';
import { RtmsSocket, type RtmsSocketOptions } from './RtmsSocket.js';
import { QueueDrainer } from './QueueDrainer.js';
import { SendQueue, type FrameKind, type SendQueueLimits } from './SendQueue.js';
import { carriedKinds, grantedKinds } from './serverUrls.js';

export interface MediaSocketDeps extends RtmsSocketOptions {
  streams: StreamLookup;
  apps: AppLookup;
  queue: SendQueueLimits;
  /** The URL's `media_type` query (from a per-kind server URL). */
  queryMediaType?: unknown;
}

/**
 * `/rtms/media`: one app's media connection to one stream. Handshake (msg 3 → 4), then the app's
 * client-ready (msg 7) attaches it to the stream; media goes out through a bounded SendQueue.
 */
export class MediaSocket extends RtmsSocket implements MediaConnection {
  readonly #deps: MediaSocketDeps;
  readonly #queue: SendQueue;
  readonly #drops: QueueDrainer;
  #kinds: ReadonlySet<MediaStreamKind> = new Set();
  #binary = false;
  #stream: StreamLike | undefined;
  #detach: (() => void) | undefined;

  constructor(socket: WebSocket, log: FastifyBaseLogger, deps: MediaSocketDeps) {
    super(socket, log, deps, RtmsMsgType.DATA_HAND_SHAKE_RESP);
    this.#deps = deps;
    this.#drops = new QueueDrainer({
      pump: () => this.#pump(),
      report: (event) => this.sendJson(event),
    });
    this.#queue = new SendQueue(socket, deps.queue, (kind, count) => this.#drops.dropped(kind, count));
  }

  get kinds(): ReadonlySet<MediaStreamKind> {
    return this.#kinds;
  }

  /** For tests and metrics: what this connection holds now. */
  stats(): { queuedFrames: number; queuedBytes: number; bufferedAmount: number; dropped: Record<FrameKind, number> } {
    return { queuedFrames: this.#queue.queuedFrames, queuedBytes: this.#queue.queuedBytes, bufferedAmount: this.socket.bufferedAmount, dropped: this.#drops.totals() };
  }

  protected onHandshake(message: RtmsMessage): void {
    if (message.msg_type !== RtmsMsgType.DATA_HAND_SHAKE_REQ) {
      return this.refuse(RtmsStatus.INVALID_MESSAGE_TYPE, 'the first message must be the media handshake (msg_type 3)');
    }
    const handshake = MediaHandshakeSchema.safeParse(message);
    if (!handshake.success) return this.refuse(RtmsStatus.INVALID_JSON_MSG, describeIssue(handshake.error));
    const verdict = verifyHandshake(this.#deps, handshake.data);
    if (!verdict.ok) {
      this.log.info({ status: verdict.status }, 'rtms media handshake refused');
      return this.refuse(verdict.status, verdict.reason);
    }
    const { stream } = verdict;
    const asked = grantedKinds(carriedKinds(stream.info()), handshake.data.media_type, this.#deps.queryMediaType);
    // No recognizer: the app still gets the audio and video it asked for, and is told (issue 11, point 8).
    const transcriptUnavailable = asked.has('transcript') && !stream.transcriptAvailable;
    if (transcriptUnavailable) asked.delete('transcript');
    if (asked.size === 0) {
      return transcriptUnavailable
        ? this.refuse(RtmsStatus.TRANSCRIPT_UNAVAILABLE, 'TRANSCRIPT_UNAVAILABLE: no speech recognizer is available')
        : this.refuse(RtmsStatus.MEDIA_NOT_ALLOWED, 'the stream carries none of the media types asked for');
    }
    this.#kinds = asked;
    this.#binary = handshake.data.binary === true;
    this.#stream = stream;
    this.opened();
    this.sendJson({
      msg_type: RtmsMsgType.DATA_HAND_SHAKE_RESP,
      protocol_version: 1,
      status_code: RtmsStatus.OK,
      reason: transcriptUnavailable ? 'TRANSCRIPT_UNAVAILABLE' : '',
      media_params: {
        ...stream.mediaParams(),
        media_types: [...asked],
        binary: this.#binary,
        ...(transcriptUnavailable ? { transcript_unavailable: true } : {}),
      },
      sessions: sessionList(stream.sessions()),
    });
  }

  protected onMessage(message: RtmsMessage): boolean {
    if (message.msg_type !== RtmsMsgType.CLIENT_READY_ACK) return false;
    const stream = this.#stream;
    if (this.#detach || !stream) return true; // a repeated ready changes nothing
    if (stream.ended) {
      this.end('the stream has ended');
      return true;
    }
    this.#detach = stream.attachMedia(this);
    return true;
  }

  protected onClose(): void {
    this.#drops.stop();
    this.#queue.clear();
    const detach = this.#detach;
    this.#detach = undefined;
    detach?.();
  }

  sendAudio(f: { userId: number; userName: string; data: Buffer; timestamp: number }): void {
    if (this.#kinds.has('audio')) this.#send('audio', { ...f, msgType: RtmsMsgType.MEDIA_DATA_AUDIO });
  }

  sendVideo(f: { userId: number; userName: string; data: Buffer; timestamp: number; keyFrame: boolean }): void {
    if (this.#kinds.has('video')) this.#send('video', { ...f, msgType: RtmsMsgType.MEDIA_DATA_VIDEO });
  }

  sendTranscript(t: { userId: number; userName: string; text: string; start: number; end: number; final: boolean; timestamp: number }): void {
    if (!this.#kinds.has('transcript')) return;
    this.#send('transcript', { ...t, msgType: RtmsMsgType.MEDIA_DATA_TRANSCRIPT, data: Buffer.from(t.text, 'utf8') });
  }

  sendStreamState(state: MediaStreamState, reason: string | null): void {
    this.#push('control', JSON.stringify(streamStateMessage(state, reason)));
  }

  sendSessionState(s: SessionUpdate): void {
    this.#push('control', JSON.stringify(sessionStateMessage(s)));
  }

  end(reason: string): void {
    // What the socket can take now goes out before the close frame; the rest would be stale.
    this.#queue.flush();
    this.close(RtmsCloseCode.streamEnded, reason);
  }

  #send(kind: 'audio' | 'video' | 'transcript', payload: MediaPayload): void {
    this.#push(kind, mediaMessage(payload, this.#binary), payload.keyFrame);
  }

  #push(kind: 'audio' | 'video' | 'transcript' | 'control', data: string | Uint8Array, keyFrame?: boolean): void {
    if (!this.open || this.socket.readyState !== this.socket.OPEN) return;
    if (this.#queue.push({ kind, data, keyFrame })) {
      if (kind !== 'control') this.keepAlive.dataSent();
    } else this.#drops.wake();
  }

  /** One drain step: returns true while something is left to do. */
  #pump(): boolean {
    if (this.socket.readyState !== this.socket.OPEN) return false;
    if (this.#queue.flush() > 0) this.keepAlive.dataSent();
    return this.#queue.queuedFrames > 0;
  }
}

import { EventEmitter } from 'node:events';
import { AppError, backoffDelay, RtmsCloseCode, RtmsMediaType, RtmsMsgType, RtmsStatus, type MediaStreamKind } from '@roomcast/protocol';
import {
  decodeBinaryMedia,
  decodeJsonMedia,
  readEvent,
  readHandshakeReply,
  readSessionState,
  readStreamState,
  UserNames,
  type AudioData,
  type MediaMessage,
  type RtmsEvent,
  type RtmsJsonMessage,
  type ServerUrls,
  type SessionStateUpdate,
  type StreamStateUpdate,
  type TranscriptData,
  type VideoData,
} from './messages.js';
import { RtmsHandshakeError, type RtmsSocketName } from './RtmsHandshakeError.js';
import { RtmsSocket } from './RtmsSocket.js';
import { signHandshake } from './signature.js';

export type SubscribableEvent = 'participant_join' | 'participant_leave' | 'active_speaker_change';

export interface ReconnectOptions {
  /** How long after a drop to keep trying: set it to the server's grace period. Default 30 s. */
  windowMs?: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

export interface ConnectOptions {
  /** The signaling URL: `data.server_urls` of the `media_stream.started` webhook. */
  serverUrl: string;
  roomId: string;
  streamId: string;
  clientId: string;
  clientSecret: string;
  /** What the media socket carries (the media handshake's `media_type` bits); default: all the stream carries. */
  mediaTypes?: MediaStreamKind[];
  /** Compact binary media frames instead of JSON with base64. */
  binary?: boolean;
  /** Signaling events to subscribe to (msg_type 5). */
  events?: SubscribableEvent[];
  /** Answer keep-alive requests (msg_type 12) by themselves; default true. */
  autoKeepAlive?: boolean;
  /** false: a drop ends the client (`close` with reason `disconnected`). */
  reconnect?: ReconnectOptions | false;
  /** Per handshake step (socket open, msg 2, msg 4); default 10 s. */
  handshakeTimeoutMs?: number;
}

export interface ConnectResult {
  serverUrls: ServerUrls;
  /** The media handshake's `media_params` (e.g. `audio.sample_rate`). */
  mediaParams: Record<string, unknown>;
}

/** Why the client ended: `close()`, the stream stopped, a refused handshake, a drop that could not be mended. */
export type CloseReason = 'closed' | 'stopped' | 'connect_failed' | 'refused' | 'disconnected' | 'reconnect_failed';

export interface MediaStreamClientEvents {
  audio: [frame: AudioData];
  video: [frame: VideoData];
  transcript: [segment: TranscriptData];
  /** msg_type 6 (subscribed events, and `media_dropped` when the server's queue for us overflowed). */
  event: [event: RtmsEvent];
  /** msg_type 8; a repeat of the previous update (it comes on both sockets) is not emitted again. */
  streamState: [update: StreamStateUpdate];
  /** msg_type 9, per participant session. */
  sessionState: [update: SessionStateUpdate];
  /** A keep-alive request arrived (answered already unless `autoKeepAlive: false`). */
  keepAlive: [info: { socket: RtmsSocketName; timestamp: number }];
  /** Every JSON message as received, for logging and tests. */
  message: [info: { socket: RtmsSocketName; message: RtmsJsonMessage }];
  reconnecting: [info: { attempt: number; delayMs: number; cause: Error }];
  reconnected: [result: ConnectResult];
  /**
   * Emitted once, at the end; the sockets are closing or closed. `closeCode`: the WebSocket close
   * code of the drop that ended it (`disconnected`, `stopped`), e.g. 4008 after unanswered keep-alives.
   */
  close: [info: { reason: CloseReason; error?: Error; closeCode?: number }];
}

type ClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** The close code of Roomcast's RTMS sockets when the stream ended (the STOPPED state may not have come first). */
const STREAM_ENDED_CLOSE_CODE = RtmsCloseCode.streamEnded;

/** How long after a STOPPED state we wait for the server to close the sockets before closing them ourselves. */
const STOPPED_CLOSE_DELAY_MS = 2000;

/**
 * An app's connection to one Roomcast media stream (the RTMS flow): the signaling socket, then the
 * media socket, then media as typed events, with keep-alive answers and reconnection after a drop.
 *
 *   const client = new MediaStreamClient();
 *   client.on('audio', (frame) => …);
 *   await client.connect({ serverUrl, roomId, streamId, clientId, clientSecret, mediaTypes: ['audio'] });
 */
export class MediaStreamClient extends EventEmitter<MediaStreamClientEvents> {
  #state: ClientState = 'idle';
  #options!: Required<Omit<ConnectOptions, 'mediaTypes' | 'reconnect'>> & Pick<ConnectOptions, 'mediaTypes' | 'reconnect'>;
  #signaling: RtmsSocket | undefined;
  #media: RtmsSocket | undefined;
  #result: ConnectResult | undefined;
  #stopped = false;
  #lastStreamState = '';
  readonly #lastSessionState = new Map<number, string>();
  readonly #names = new UserNames();
  readonly #timers = new Set<NodeJS.Timeout>();
  #wakeSleeper: (() => void) | undefined;

  get state(): ClientState {
    return this.#state;
  }

  /** serverUrls and mediaParams of the current (latest) connection. */
  get connection(): ConnectResult | undefined {
    return this.#result;
  }

  /** The name of a user id as far as the client has learnt it ('' if unknown). */
  userName(userId: number): string {
    return this.#names.get(userId);
  }

  /** Connects once; rejects with an RtmsHandshakeError (statusCode, reason) when the server refuses. */
  async connect(options: ConnectOptions): Promise<ConnectResult> {
    if (this.#state !== 'idle') throw new AppError('conflict', 'connect() may be called once per client');
    this.#options = { binary: false, events: [], autoKeepAlive: true, handshakeTimeoutMs: 10_000, ...options };
    this.#state = 'connecting';
    try {
      const result = await this.#openSession();
      this.#becomeOpen();
      return result;
    } catch (error) {
      this.#finish('connect_failed', error as Error);
      throw error;
    }
  }

  /** Closes both sockets and stops reconnecting; resolves when the sockets are closed. */
  async close(): Promise<void> {
    this.#finish('closed');
    await this.#closeSockets();
  }

  /**
   * Cuts both sockets without a close handshake, as a network failure would: the client then
   * reconnects as after any drop. For tests and failover drills.
   */
  interrupt(): void {
    this.#signaling?.terminate();
    this.#media?.terminate();
  }

  /** Answers a keep-alive request by hand (with `autoKeepAlive: false`). */
  answerKeepAlive(socket: RtmsSocketName, timestamp?: number): void {
    (socket === 'signaling' ? this.#signaling : this.#media)?.answerKeepAlive(timestamp);
  }

  /** Changes the event subscription (msg_type 5); kept for reconnections. */
  subscribe(events: SubscribableEvent[]): void {
    if (this.#state === 'idle' || this.#state === 'closed') throw new AppError('conflict', 'not connected');
    this.#options.events = events;
    this.#signaling?.send({ msg_type: RtmsMsgType.EVENT_SUBSCRIPTION, events });
  }

  /** One full handshake: signaling (1 → 2, then 5), media (3 → 4), then client ready (7). */
  async #openSession(): Promise<ConnectResult> {
    const o = this.#options;
    const socketOptions = { autoKeepAlive: o.autoKeepAlive, openTimeoutMs: o.handshakeTimeoutMs };
    const ids = { room_id: o.roomId, stream_id: o.streamId, signature: signHandshake(o.clientId, o.clientSecret, o.roomId, o.streamId) };
    try {
      const signaling = this.#adopt(await RtmsSocket.open(o.serverUrl, 'signaling', socketOptions));
      const reply = readHandshakeReply(
        await signaling.request({ msg_type: RtmsMsgType.SIGNALING_HAND_SHAKE_REQ, ...ids }, RtmsMsgType.SIGNALING_HAND_SHAKE_RESP, o.handshakeTimeoutMs),
      );
      if (reply.statusCode !== RtmsStatus.OK) throw new RtmsHandshakeError('signaling', reply.statusCode, reply.reason);
      if (!reply.serverUrls) throw new AppError('invalid_message', 'signaling handshake reply without media_server.server_urls.all');
      this.#checkNotClosed();
      if (o.events.length > 0) signaling.send({ msg_type: RtmsMsgType.EVENT_SUBSCRIPTION, events: o.events });
      const media = this.#adopt(await RtmsSocket.open(reply.serverUrls.all, 'media', socketOptions));
      const mediaReply = readHandshakeReply(await media.request(this.#mediaHandshake(ids), RtmsMsgType.DATA_HAND_SHAKE_RESP, o.handshakeTimeoutMs));
      if (mediaReply.statusCode !== RtmsStatus.OK) throw new RtmsHandshakeError('media', mediaReply.statusCode, mediaReply.reason);
      this.#checkNotClosed();
      media.send({ msg_type: RtmsMsgType.CLIENT_READY_ACK });
      this.#result = { serverUrls: reply.serverUrls, mediaParams: mediaReply.mediaParams };
      return this.#result;
    } catch (error) {
      await this.#closeSockets();
      throw error;
    }
  }

  #mediaHandshake(ids: Record<string, string>): { msg_type: number } & Record<string, unknown> {
    const { mediaTypes, binary } = this.#options;
    const bits = { audio: RtmsMediaType.AUDIO, video: RtmsMediaType.VIDEO, transcript: RtmsMediaType.TRANSCRIPT };
    const mediaType = mediaTypes?.reduce((mask, kind) => mask | bits[kind], 0);
    return {
      msg_type: RtmsMsgType.DATA_HAND_SHAKE_REQ,
      ...ids,
      ...(mediaType ? { media_type: mediaType } : {}),
      payload_encryption: false,
      binary,
    };
  }

  #checkNotClosed(): void {
    if (this.#state === 'closed') throw new AppError('conflict', 'client closed during the handshake');
  }

  /** Makes `socket` the current one of its kind and routes its messages and its close. */
  #adopt(socket: RtmsSocket): RtmsSocket {
    if (socket.name === 'signaling') this.#signaling = socket;
    else this.#media = socket;
    socket.on('message', (message) => this.#onMessage(socket.name, message));
    socket.on('binary', (bytes) => this.#onBinary(bytes));
    socket.on('keepAlive', (timestamp) => this.#safeEmit('keepAlive', { socket: socket.name, timestamp }));
    socket.on('close', (code) => this.#onSocketClose(socket, code));
    return socket;
  }

  #becomeOpen(): void {
    this.#checkNotClosed();
    this.#state = 'open';
    // A socket that closed during the handshake's last step was ignored then: act on it now.
    const dead = [this.#signaling, this.#media].find((socket) => !socket || socket.closed);
    if (dead) this.#onSocketClose(dead, 1006);
  }

  #onMessage(socket: RtmsSocketName, message: RtmsJsonMessage): void {
    if (this.#state === 'closed') return; // frames still in flight after close(): the app is done
    this.#safeEmit('message', { socket, message });
    switch (message.msg_type) {
      case RtmsMsgType.SIGNALING_HAND_SHAKE_RESP:
      case RtmsMsgType.DATA_HAND_SHAKE_RESP:
        this.#names.learn(message);
        return;
      case RtmsMsgType.STREAM_STATE_UPDATE:
        return this.#onStreamState(readStreamState(message));
      case RtmsMsgType.SESSION_STATE_UPDATE:
        return this.#onSessionState(readSessionState(message, this.#names));
      case RtmsMsgType.EVENT_UPDATE: {
        const event = readEvent(message, this.#names);
        if (event) this.#safeEmit('event', event);
        return;
      }
      default:
        this.#emitMedia(decodeJsonMedia(message, this.#names));
    }
  }

  #onBinary(bytes: Buffer): void {
    if (this.#state === 'closed') return;
    try {
      this.#emitMedia(decodeBinaryMedia(bytes, this.#names));
    } catch {
      // A malformed frame is dropped: the next one is independent of it.
    }
  }

  #emitMedia(media: MediaMessage | undefined): void {
    if (!media) return;
    if (media.kind === 'audio') this.#safeEmit('audio', media.frame);
    else if (media.kind === 'video') this.#safeEmit('video', media.frame);
    else this.#safeEmit('transcript', media.segment);
  }

  #onStreamState(update: StreamStateUpdate | undefined): void {
    if (!update) return;
    const key = `${update.state}:${update.reason}`;
    if (key !== this.#lastStreamState) {
      this.#lastStreamState = key;
      this.#safeEmit('streamState', update);
    }
    if (update.state === 'STOPPED' && !this.#stopped) {
      this.#stopped = true;
      // The server closes both sockets after STOPPED; if it does not, we do.
      this.#setTimer(() => this.#finish('stopped'), STOPPED_CLOSE_DELAY_MS);
    }
  }

  #onSessionState(update: SessionStateUpdate | undefined): void {
    if (!update) return;
    const key = `${update.state}:${update.reason}`;
    if (this.#lastSessionState.get(update.userId) === key) return;
    this.#lastSessionState.set(update.userId, key);
    this.#safeEmit('sessionState', update);
  }

  #onSocketClose(socket: RtmsSocket, code: number): void {
    // Closes during a handshake reject that handshake; closes of replaced sockets are old news.
    if (this.#state !== 'open' || (socket !== this.#signaling && socket !== this.#media)) return;
    if (this.#stopped || code === STREAM_ENDED_CLOSE_CODE) return this.#finish('stopped', undefined, code);
    const cause = new AppError('service_unavailable', `${socket.name} socket closed (${code})`);
    if (this.#options.reconnect === false) return this.#finish('disconnected', cause, code);
    this.#state = 'reconnecting';
    this.#reconnect(cause).catch((error: Error) => this.#finish('reconnect_failed', error));
  }

  /** Redoes both handshakes with the same stream id, with backoff, within the reconnect window. */
  async #reconnect(cause: Error): Promise<void> {
    await this.#closeSockets();
    const { windowMs = 30_000, initialDelayMs = 250, maxDelayMs = 5000 } = this.#options.reconnect || {};
    const deadline = Date.now() + windowMs;
    let lastError = cause;
    for (let attempt = 0; this.#state === 'reconnecting'; attempt++) {
      const delayMs = backoffDelay(attempt, { initialDelayMs, maxDelayMs, factor: 2, jitter: 0.2 });
      if (Date.now() + delayMs > deadline) return this.#finish('reconnect_failed', lastError);
      this.#safeEmit('reconnecting', { attempt: attempt + 1, delayMs, cause: lastError });
      await this.#sleep(delayMs);
      if (this.#state !== 'reconnecting') return;
      try {
        const result = await this.#openSession();
        if (this.#state !== 'reconnecting') return;
        this.#becomeOpen();
        this.#safeEmit('reconnected', result);
        return;
      } catch (error) {
        lastError = error as Error;
        if (error instanceof RtmsHandshakeError && !error.transient) {
          return this.#finish(error.statusCode === RtmsStatus.STREAM_ENDED ? 'stopped' : 'refused', error);
        }
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = this.#setTimer(() => {
        this.#wakeSleeper = undefined;
        resolve();
      }, ms);
      this.#wakeSleeper = () => {
        clearTimeout(timer);
        this.#timers.delete(timer);
        resolve();
      };
    });
  }

  #setTimer(fn: () => void, ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      fn();
    }, ms);
    this.#timers.add(timer);
    return timer;
  }

  #finish(reason: CloseReason, error?: Error, closeCode?: number): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#wakeSleeper?.();
    this.#closeSockets().catch(() => undefined);
    this.#safeEmit('close', { reason, ...(error ? { error } : {}), ...(closeCode !== undefined ? { closeCode } : {}) });
  }

  async #closeSockets(): Promise<void> {
    const sockets = [this.#signaling, this.#media].filter((socket): socket is RtmsSocket => socket !== undefined);
    await Promise.all(sockets.map((socket) => socket.close()));
  }

  /** rawListeners: `once` wrappers remove themselves. A listener's exception must not break the socket handling that emitted the event. */
  #safeEmit<E extends keyof MediaStreamClientEvents>(event: E, ...args: MediaStreamClientEvents[E]): void {
    for (const listener of this.rawListeners(event)) {
      try {
        (listener as (...a: MediaStreamClientEvents[E]) => void)(...args);
      } catch (error) {
        queueMicrotask(() => console.error(`media-stream-client: a "${event}" listener threw`, error));
      }
    }
  }
}

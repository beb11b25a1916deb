import {
  NotificationEnvelopeSchema,
  Notifications,
  Requests,
  ResponseEnvelopeSchema,
  type Method,
  type NotificationData,
  type NotificationMethod,
  type RequestData,
  type ResponseData,
} from '@roomcast/protocol';
import { RoomcastError } from './errors.js';
import { TypedEmitter } from './TypedEmitter.js';

/** The part of the browser's WebSocket the client uses, so tests can hand in a stand-in. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

/** A server notification, as a union discriminated by `method`. */
export type SignalNotification = {
  [M in NotificationMethod]: { method: M; data: NotificationData<M> };
}[NotificationMethod];

export interface SignalClientEvents {
  /** A validated server notification. */
  notification: (notification: SignalNotification) => void;
  /** The socket closed without `close()` being called (network drop, server restart). */
  closed: (code: number, reason: string) => void;
}

export interface SignalClientOptions {
  /** How long a request waits for its reply. Default 10 s. */
  requestTimeoutMs?: number;
  /** How long opening the socket may take. Default 10 s. */
  connectTimeoutMs?: number;
  /** Creates the socket; the browser's WebSocket by default. */
  createWebSocket?: WebSocketFactory;
}

interface PendingRequest {
  method: Method;
  resolve: (data: unknown) => void;
  reject: (error: RoomcastError) => void;
  timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1; // WebSocket.OPEN, spelled out: the global may not exist where tests run.

/**
 * One signaling WebSocket: requests correlated with their replies by id, replies and notifications
 * validated with the protocol schemas. It knows nothing of rooms or media (that is `Room`'s job)
 * and never reconnects by itself: a new connection is a new SignalClient.
 */
export class SignalClient extends TypedEmitter<SignalClientEvents> {
  readonly #requestTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #createWebSocket: WebSocketFactory;
  readonly #pending = new Map<number, PendingRequest>();
  #socket: WebSocketLike | undefined;
  #nextId = 1;
  #closed = false;

  constructor(options: SignalClientOptions = {}) {
    super();
    this.#requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.#createWebSocket = options.createWebSocket ?? ((url) => new WebSocket(url) as unknown as WebSocketLike);
  }

  get connected(): boolean {
    return !this.#closed && this.#socket?.readyState === OPEN;
  }

  /** Opens the socket; rejects with `connection_closed` if it fails or times out. Call once. */
  connect(url: string): Promise<void> {
    if (this.#socket) throw new Error('SignalClient.connect() may be called only once');
    const socket = this.#createWebSocket(url);
    this.#socket = socket;
    return new Promise<void>((resolve, reject) => {
      const fail = (message: string): void => {
        clearTimeout(timer);
        this.#detach(socket);
        this.#closed = true;
        socket.close();
        reject(new RoomcastError('connection_closed', message));
      };
      const timer = setTimeout(() => fail(`signaling socket did not open within ${this.#connectTimeoutMs} ms`), this.#connectTimeoutMs);
      socket.onerror = () => undefined; // Browsers follow an error with a close event, handled below.
      socket.onclose = (event) => fail(`signaling socket closed before opening (code ${event.code})`);
      socket.onopen = () => {
        clearTimeout(timer);
        this.#listen(socket);
        resolve();
      };
    });
  }

  /** Sends a request and resolves with the validated `data` of its reply. */
  request<M extends Method>(method: M, data: RequestData<M>): Promise<ResponseData<M>> {
    const socket = this.#socket;
    if (this.#closed || !socket || socket.readyState !== OPEN) {
      return Promise.reject(new RoomcastError('connection_closed', `cannot send ${method}: signaling is not connected`));
    }
    const id = this.#nextId++;
    return new Promise<ResponseData<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new RoomcastError('timeout', `${method} got no reply within ${this.#requestTimeoutMs} ms`));
      }, this.#requestTimeoutMs);
      this.#pending.set(id, { method, resolve: resolve as (data: unknown) => void, reject, timer });
      socket.send(JSON.stringify({ id, method, data }));
    });
  }

  /** Closes the socket and fails every waiting request. Emits nothing; safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#socket) {
      this.#detach(this.#socket);
      this.#socket.close(1000, 'client closed');
    }
    this.#failPending('signaling closed');
  }

  #listen(socket: WebSocketLike): void {
    socket.onmessage = (event) => this.#onMessage(event.data);
    socket.onclose = (event) => {
      this.#detach(socket);
      this.#closed = true;
      this.#failPending(`signaling socket closed (code ${event.code})`);
      this.emit('closed', event.code, event.reason);
    };
  }

  #detach(socket: WebSocketLike): void {
    socket.onopen = socket.onclose = socket.onmessage = null;
    socket.onerror = () => undefined; // A late error event must not become an uncaught one.
  }

  #failPending(message: string): void {
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.reject(new RoomcastError('connection_closed', `${pending.method}: ${message}`));
    }
  }

  #onMessage(raw: unknown): void {
    let message: unknown;
    try {
      message = JSON.parse(String(raw));
    } catch {
      console.warn('[roomcast] ignoring a signaling frame that is not JSON');
      return;
    }
    if (typeof message === 'object' && message !== null && 'id' in message) this.#onResponse(message);
    else this.#onNotification(message);
  }

  #onResponse(message: object): void {
    const envelope = ResponseEnvelopeSchema.safeParse(message);
    if (!envelope.success) {
      console.warn('[roomcast] ignoring a malformed signaling reply', envelope.error.issues);
      return;
    }
    const reply = envelope.data;
    const pending = typeof reply.id === 'number' ? this.#pending.get(reply.id) : undefined;
    if (!pending || typeof reply.id !== 'number') return; // Late (timed out) or not ours.
    this.#pending.delete(reply.id);
    clearTimeout(pending.timer);
    if (!reply.ok) {
      pending.reject(new RoomcastError(reply.error.code, reply.error.message));
      return;
    }
    const data = Requests[pending.method].response.safeParse(reply.data ?? {});
    if (data.success) pending.resolve(data.data);
    else pending.reject(new RoomcastError('invalid_response', `${pending.method}: reply does not match the protocol`, { cause: data.error }));
  }

  #onNotification(message: unknown): void {
    const envelope = NotificationEnvelopeSchema.safeParse(message);
    if (!envelope.success) {
      console.warn('[roomcast] ignoring a malformed signaling message');
      return;
    }
    const { method } = envelope.data;
    if (!Object.hasOwn(Notifications, method)) return; // A newer server's notification: not for us.
    const schema = Notifications[method as NotificationMethod];
    const data = schema.safeParse(envelope.data.data);
    if (!data.success) {
      console.warn(`[roomcast] ignoring an invalid "${method}" notification`, data.error.issues);
      return;
    }
    this.emit('notification', { method, data: data.data } as SignalNotification);
  }
}

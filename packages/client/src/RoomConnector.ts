import type { ResponseData } from '@roomcast/protocol';
import type { Device } from 'mediasoup-client';
import { backoffDelay, type ReconnectPolicy } from './backoff.js';
import { endReasonForClose } from './closeCodes.js';
import { signalUrl } from './connectionParams.js';
import { isFatalError, RoomcastError } from './errors.js';
import type { ConnectionState, DisconnectReason } from './events.js';
import { MediaSession, type Connection } from './MediaSession.js';
import { handleNotification, terminalReason, type NotificationTarget } from './notificationHandlers.js';
import { SignalClient, type SignalClientOptions, type SignalNotification } from './SignalClient.js';

export interface RoomConnectorOptions {
  url: string;
  token: string;
  /** Whether to set up a send transport. */
  publish: boolean;
  createDevice?: () => Device;
  policy: ReconnectPolicy;
  signaling: SignalClientOptions;
  /** Where notifications of the live connection go. */
  target: NotificationTarget;
  /** The join reply of each (re)connection, before any notification of it is handled. */
  onJoined(joined: ResponseData<'join'>): void;
  /** A connection is ready: publish on it. */
  attach(conn: Connection): Promise<void>;
  /** The connection dropped: forget what lived on it. */
  detach(): void;
  setState(state: ConnectionState): void;
  /** The room ended for good (once). */
  end(reason: DisconnectReason, detail?: string): void;
}

/**
 * Runs the join flow (socket → device → transports → join → publish) and runs it again, with
 * backoff, when the socket drops — but never after `leave()`, `roomClosed` or `replaced`.
 * Notifications are handled one at a time, in order, and only once the join reply is applied,
 * because the server may send `newConsumer` before it answers `join`.
 */
export class RoomConnector {
  #current: Connection | undefined;
  /** The socket being set up or in use: terminal notifications count only from it. */
  #signal: SignalClient | undefined;
  #ended = false;
  #finished = false;

  constructor(private readonly o: RoomConnectorOptions) {}

  /** The live connection, if any (none while reconnecting). */
  get current(): Connection | undefined {
    return this.#current;
  }

  /** True once leaving or ended: no more reconnects. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The first join. Throws (and ends quietly) if it fails: no retries for a first join. */
  async start(): Promise<void> {
    this.o.setState('connecting');
    try {
      await this.#connect();
    } catch (error) {
      this.#ended = this.#finished = true;
      this.o.setState('disconnected');
      throw error;
    }
    if (this.#current) this.o.setState('connected');
  }

  /** Tells the server (briefly: a dead server must not hold the page), then ends. */
  async leave(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true; // First, so a socket drop meanwhile does not start a reconnect.
    const conn = this.#current;
    if (conn?.signal.connected) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const giveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, 1000)));
      await Promise.race([conn.signal.request('leave', {}).catch(() => undefined), giveUp]);
      clearTimeout(timer);
    }
    this.#finish('left');
  }

  async #connect(): Promise<void> {
    const signal = new SignalClient(this.o.signaling);
    this.#signal = signal;
    let joined!: () => void;
    let chain = new Promise<void>((resolve) => (joined = resolve));
    let conn: Connection | undefined;
    signal.on('notification', (notification) => {
      const end = terminalReason(notification);
      if (end) {
        if (this.#signal === signal) this.#finish(...end);
        return;
      }
      chain = chain.then(() => this.#handle(conn, notification));
    });
    signal.on('closed', (code, reason) => this.#onSignalClosed(signal, code, reason));
    let session: MediaSession | undefined;
    try {
      await signal.connect(signalUrl(this.o.url, this.o.token));
      session = await MediaSession.open(signal, { publish: this.o.publish, createDevice: this.o.createDevice });
      const rtpCapabilities = session.device.rtpCapabilities as unknown as Record<string, unknown>;
      const reply = await signal.request('join', { rtpCapabilities });
      if (this.#ended) throw new RoomcastError('connection_closed', 'the room ended while joining');
      conn = { signal, session };
      this.#current = conn;
      this.o.onJoined(reply);
      joined();
    } catch (error) {
      signal.close();
      session?.close();
      if (this.#signal === signal) this.#signal = undefined;
      throw error;
    }
    await this.o.attach(conn);
  }

  async #handle(conn: Connection | undefined, notification: SignalNotification): Promise<void> {
    if (!conn || this.#current !== conn) return; // From a connection that is gone.
    try {
      await handleNotification(this.o.target, conn, notification);
    } catch (error) {
      if (this.#current === conn) console.warn(`[roomcast] handling "${notification.method}" failed`, error);
    }
  }

  #onSignalClosed(signal: SignalClient, code: number, reason: string): void {
    if (this.#ended || this.#current?.signal !== signal) return;
    const end = endReasonForClose(code, reason);
    if (end) {
      this.#finish(...end);
      return;
    }
    this.#dropCurrent();
    this.o.detach();
    this.o.setState('reconnecting');
    void this.#reconnect();
  }

  async #reconnect(): Promise<void> {
    const { policy } = this.o;
    let lastError: unknown;
    for (let attempt = 0; attempt < policy.maxAttempts; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt, policy)));
      if (this.#ended) return;
      try {
        await this.#connect();
        if (this.#current) this.o.setState('connected');
        return;
      } catch (error) {
        if (this.#ended) return;
        lastError = error;
        if (isFatalError(error)) break; // A refused token will be refused again.
      }
    }
    const why = lastError instanceof Error ? lastError.message : 'no attempt succeeded';
    this.#finish('reconnect_failed', `could not reconnect: ${why}`);
  }

  #dropCurrent(): void {
    const conn = this.#current;
    this.#current = undefined;
    this.#signal?.close();
    this.#signal = undefined;
    conn?.session.close();
    conn?.signal.close();
  }

  #finish(reason: DisconnectReason, detail?: string): void {
    if (this.#finished) return;
    this.#ended = this.#finished = true;
    this.#dropCurrent();
    this.o.end(reason, detail);
  }
}

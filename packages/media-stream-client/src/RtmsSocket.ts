import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { AppError, RtmsMsgType } from '@roomcast/protocol';
import { parseJsonMessage, type RtmsJsonMessage } from './messages.js';
import type { RtmsSocketName } from './RtmsHandshakeError.js';

interface RtmsSocketEvents {
  message: [message: RtmsJsonMessage];
  binary: [bytes: Buffer];
  /** A keep-alive request (msg_type 12) arrived; answered already when `autoKeepAlive`. */
  keepAlive: [timestamp: number];
  close: [code: number];
}

export interface RtmsSocketOptions {
  autoKeepAlive: boolean;
  openTimeoutMs: number;
}

/**
 * One of an app's two WebSockets (signaling or media): JSON in and out, binary media in,
 * keep-alive answers, and request/reply for the handshakes. The socket never throws at its
 * owner: failures arrive as `close` or as a rejected `open()` / `request()`.
 */
export class RtmsSocket extends EventEmitter<RtmsSocketEvents> {
  readonly #ws: WebSocket;
  readonly #closedPromise: Promise<void>;
  #closed = false;

  private constructor(
    readonly name: RtmsSocketName,
    ws: WebSocket,
    readonly options: RtmsSocketOptions,
  ) {
    super();
    this.#ws = ws;
    this.#closedPromise = new Promise((resolve) => {
      ws.once('close', (code) => {
        this.#closed = true;
        resolve();
        this.emit('close', code);
      });
    });
    // ws emits 'error' before 'close'; without a listener it would throw.
    ws.on('error', () => undefined);
    ws.on('message', (data, isBinary) => this.#onMessage(data as Buffer, isBinary));
  }

  static open(url: string, name: RtmsSocketName, options: RtmsSocketOptions): Promise<RtmsSocket> {
    const ws = new WebSocket(url, { handshakeTimeout: options.openTimeoutMs, maxPayload: 16 * 1024 * 1024 });
    const socket = new RtmsSocket(name, ws, options);
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(new AppError('service_unavailable', `${name} socket did not open: ${error.message}`, { cause: error }));
      ws.once('error', onError);
      ws.once('open', () => {
        ws.off('error', onError);
        resolve(socket);
      });
    });
  }

  get closed(): boolean {
    return this.#closed || this.#ws.readyState !== WebSocket.OPEN;
  }

  /** Sends a JSON message; dropped when the socket is no longer open (its `close` tells the owner). */
  send(message: { msg_type: number } & Record<string, unknown>): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(JSON.stringify(message));
  }

  /** Sends `message` and resolves with the first message of `replyType`. */
  request(message: { msg_type: number } & Record<string, unknown>, replyType: number, timeoutMs: number): Promise<RtmsJsonMessage> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        this.off('message', onMessage);
        this.off('close', onClose);
      };
      const onMessage = (reply: RtmsJsonMessage): void => {
        if (reply.msg_type !== replyType) return;
        done();
        resolve(reply);
      };
      const onClose = (code: number): void => {
        done();
        reject(new AppError('service_unavailable', `${this.name} socket closed (${code}) before msg_type ${replyType}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new AppError('request_timeout', `no msg_type ${replyType} on the ${this.name} socket within ${timeoutMs} ms`));
      }, timeoutMs);
      this.on('message', onMessage);
      this.on('close', onClose);
      if (this.#closed) onClose(1006);
      else this.send(message);
    });
  }

  answerKeepAlive(timestamp: number = Date.now()): void {
    this.send({ msg_type: RtmsMsgType.KEEP_ALIVE_RESP, timestamp });
  }

  /** Drops the connection at once, without a close frame. */
  terminate(): void {
    this.#ws.terminate();
  }

  /** Resolves once the socket is closed (at once if it is). */
  close(code = 1000): Promise<void> {
    if (this.#ws.readyState === WebSocket.CONNECTING || this.#ws.readyState === WebSocket.OPEN) this.#ws.close(code);
    // A peer that never answers the close frame must not hold us: ws terminates after 30 s,
    // we do it sooner.
    const timer = setTimeout(() => this.#ws.terminate(), 2000);
    return this.#closedPromise.finally(() => clearTimeout(timer));
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      this.emit('binary', data);
      return;
    }
    const message = parseJsonMessage(data.toString('utf8'));
    if (!message) return; // not an RTMS message: nothing an app could do with it
    if (message.msg_type === RtmsMsgType.KEEP_ALIVE_REQ) {
      const timestamp = typeof message.timestamp === 'number' ? message.timestamp : Date.now();
      if (this.options.autoKeepAlive) this.answerKeepAlive(timestamp);
      this.emit('keepAlive', timestamp);
    }
    this.emit('message', message);
  }
}

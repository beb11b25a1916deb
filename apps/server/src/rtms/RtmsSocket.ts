import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import { RtmsMsgType, RtmsStatus, type RtmsStatusCode } from '@roomcast/protocol';
import { MessageRateLimit, type MessageRateOptions } from '../signaling/MessageRateLimit.js';
import { KeepAlive } from './KeepAlive.js';
import { KeepAliveResponseSchema, RtmsCloseCode, STATUS_NOTICE_TYPE, keepAliveRequest, parseMessage, type RtmsMessage } from './messages.js';

export interface RtmsSocketOptions {
  handshakeTimeoutMs: number;
  keepAliveMs: number;
  maxMissedKeepAlives: number;
  messageRate: MessageRateOptions;
}

/**
 * What both RTMS sockets share: the first message must be the handshake, in time; every message
 * is parsed and rate-limited; keep-alive once open. A bad message after the handshake is answered
 * with a status notice, never by closing; a bad handshake is answered, then the socket closes.
 */
export abstract class RtmsSocket {
  protected readonly keepAlive: KeepAlive;
  readonly #rate: MessageRateLimit;
  #handshakeTimer: NodeJS.Timeout | undefined;
  #phase: 'handshake' | 'open' | 'closed' = 'handshake';

  constructor(
    readonly socket: WebSocket,
    protected readonly log: FastifyBaseLogger,
    options: RtmsSocketOptions,
    /** msg_type of this socket's handshake reply (2 or 4). */
    private readonly replyType: number,
  ) {
    this.#rate = new MessageRateLimit(options.messageRate);
    this.keepAlive = new KeepAlive({
      intervalMs: options.keepAliveMs,
      maxMissed: options.maxMissedKeepAlives,
      sendRequest: (timestamp) => this.sendJson(keepAliveRequest(timestamp)),
      onTimeout: () => this.close(RtmsCloseCode.timeout, 'keep-alive requests unanswered'),
    });
    this.#handshakeTimer = setTimeout(() => this.refuse(RtmsStatus.CONNECTION_TIMEOUT, 'no handshake in time', RtmsCloseCode.timeout), options.handshakeTimeoutMs);
    socket.on('message', (raw, isBinary) => this.#onRaw(raw, isBinary));
    socket.on('close', () => this.#onClosed());
  }

  get open(): boolean {
    return this.#phase === 'open';
  }

  /** The handshake message (already parsed as JSON with an integer msg_type). */
  protected abstract onHandshake(message: RtmsMessage): void;
  /** A message after the handshake; returns false for a msg_type this socket does not take. */
  protected abstract onMessage(message: RtmsMessage): boolean;
  protected abstract onClose(): void;

  /** The handshake succeeded: from now on messages go to onMessage and keep-alive runs. */
  protected opened(): void {
    clearTimeout(this.#handshakeTimer);
    this.#phase = 'open';
    this.keepAlive.start();
  }

  /** Answers the handshake with a non-zero status, then closes. */
  protected refuse(status: RtmsStatusCode, reason: string, code: number = RtmsCloseCode.refused): void {
    if (this.#phase !== 'handshake') return;
    this.sendJson({ msg_type: this.replyType, status_code: status, reason });
    this.close(code, reason);
  }

  /** Answers one bad message after the handshake; the socket stays open. */
  protected notice(status: RtmsStatusCode, reason: string): void {
    this.sendJson({ msg_type: STATUS_NOTICE_TYPE, status_code: status, reason });
  }

  sendJson(message: object): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  close(code: number, reason: string): void {
    clearTimeout(this.#handshakeTimer);
    this.keepAlive.stop();
    if (this.#phase === 'handshake') this.#phase = 'closed';
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      // A close reason is at most 123 bytes.
      this.socket.close(code, reason.slice(0, 120));
    }
  }

  #onRaw(raw: Parameters<typeof parseMessage>[0], isBinary: boolean): void {
    if (this.#phase === 'closed') return;
    const verdict = this.#rate.take();
    if (verdict === 'close') return this.close(RtmsCloseCode.rateLimited, 'message rate limit exceeded');
    if (verdict === 'refuse') return;
    try {
      this.#dispatch(raw, isBinary);
    } catch (error) {
      // A bug here must cost one socket, never the server.
      this.log.error({ err: error }, 'rtms message handling failed');
      if (this.#phase === 'handshake') this.refuse(RtmsStatus.INTERNAL_ERROR, 'internal error');
      else this.notice(RtmsStatus.INTERNAL_ERROR, 'internal error');
    }
  }

  #dispatch(raw: Parameters<typeof parseMessage>[0], isBinary: boolean): void {
    const parsed = parseMessage(raw, isBinary);
    if (this.#phase === 'handshake') {
      if (!parsed.ok) return this.refuse(parsed.status, parsed.reason);
      return this.onHandshake(parsed.message);
    }
    if (!parsed.ok) return this.notice(parsed.status, parsed.reason);
    if (parsed.message.msg_type === RtmsMsgType.KEEP_ALIVE_RESP) {
      if (KeepAliveResponseSchema.safeParse(parsed.message).success) this.keepAlive.answered();
      else this.notice(RtmsStatus.INVALID_JSON_MSG, 'invalid keep-alive response');
      return;
    }
    if (!this.onMessage(parsed.message)) {
      this.notice(RtmsStatus.INVALID_MESSAGE_TYPE, `msg_type ${parsed.message.msg_type} is not accepted here`);
    }
  }

  #onClosed(): void {
    clearTimeout(this.#handshakeTimer);
    this.keepAlive.stop();
    this.#phase = 'closed';
    try {
      this.onClose();
    } catch (error) {
      this.log.error({ err: error }, 'rtms socket cleanup failed');
    }
  }
}

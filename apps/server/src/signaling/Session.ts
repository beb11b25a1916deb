import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import {
  AppError,
  MethodSchema,
  type Method,
  type NotificationData,
  type NotificationMethod,
  RequestEnvelopeSchema,
  Requests,
  type ResponseEnvelope,
  SignalCloseCode,
} from '@roomcast/protocol';
import type { Participant, Room } from '@roomcast/sfu';
import { logServerError, toAppError } from '../errors.js';
import { MessageRateLimit, type MessageRateOptions } from './MessageRateLimit.js';
import { PRE_JOIN_METHODS, type Handler, type HandlerTable, type SessionContext } from './types.js';


type RequestId = string | number | null;

/**
 * One participant's signaling connection: validates every message against the protocol,
 * dispatches it through the handler table, and keeps the socket honest with ping/pong.
 */
export class Session {
  readonly #ctx: SessionContext;
  readonly #rate: MessageRateLimit;
  #alive = true;
  #pingTimer: NodeJS.Timeout | undefined;
  #closeCode: number = SignalCloseCode.left;

  constructor(
    readonly socket: WebSocket,
    room: Room,
    readonly participant: Participant,
    readonly log: FastifyBaseLogger,
    readonly handlers: HandlerTable,
    pingIntervalMs: number,
    messageRate: MessageRateOptions,
  ) {
    this.#ctx = { room, participant };
    this.#rate = new MessageRateLimit(messageRate);
    socket.on('message', (raw, isBinary) => this.#onRawMessage(raw.toString(), isBinary));
    socket.on('pong', () => (this.#alive = true));
    socket.on('close', () => this.#onSocketClosed());
    participant.once('mediaTimeout', () => (this.#closeCode = SignalCloseCode.mediaTimeout));
    participant.once('closed', () => this.#closeSocket());
    this.#pingTimer = setInterval(() => this.#ping(), pingIntervalMs);
  }

  /** Sends a notification; dropped silently when the socket is no longer open. */
  notify<M extends NotificationMethod>(method: M, data: NotificationData<M>): void {
    if (method === 'roomClosed') this.#closeCode = SignalCloseCode.roomClosed;
    if (method === 'replaced') this.#closeCode = SignalCloseCode.replaced;
    this.#send({ method, data });
  }

  #onRawMessage(text: string, isBinary: boolean): void {
    const verdict = this.#rate.take();
    if (verdict === 'close') return this.#closeForFlooding();
    if (verdict === 'refuse') {
      const error = new AppError('rate_limited', 'too many messages: slow down');
      return this.#reply({ id: isBinary ? null : peekRequestId(text), ok: false, error: error.toDetail() });
    }
    this.#onMessage(text, isBinary).catch((error: unknown) => this.log.error({ err: error }, 'signaling message handling failed'));
  }

  #closeForFlooding(): void {
    if (this.#closeCode === SignalCloseCode.rateLimited) return;
    this.log.warn({ participant: this.participant.id }, 'signaling socket closed: message flood');
    this.#closeCode = SignalCloseCode.rateLimited;
    this.socket.close(SignalCloseCode.rateLimited, 'message rate limit exceeded');
  }

  async #onMessage(text: string, isBinary: boolean): Promise<void> {
    let id: RequestId = null;
    try {
      if (isBinary) throw new AppError('invalid_message', 'binary frames are not accepted');
      const envelope = RequestEnvelopeSchema.safeParse(parseJson(text));
      if (!envelope.success) throw new AppError('invalid_message', 'expected {id, method, data}');
      id = envelope.data.id;
      const data = await this.#dispatch(envelope.data.method, envelope.data.data);
      this.#reply({ id, ok: true, data });
    } catch (error) {
      const appError = toAppError(error);
      logServerError(this.log, appError, error, 'signaling request failed');
      this.#reply({ id, ok: false, error: appError.toDetail() });
    }
  }

  async #dispatch(rawMethod: string, rawData: unknown): Promise<unknown> {
    const method = MethodSchema.safeParse(rawMethod);
    if (!method.success) throw new AppError('method_not_allowed', `unknown method "${rawMethod.slice(0, 64)}"`);
    const name: Method = method.data;
    if (!this.participant.joined && !PRE_JOIN_METHODS.has(name)) {
      throw new AppError('not_joined', `"${name}" needs a joined participant: send "join" first`);
    }
    if (this.participant.closed) throw new AppError('not_joined', 'this participant has left');
    const parsed = Requests[name].request.safeParse(rawData ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError('invalid_message', `invalid data for "${name}": ${issue?.path.join('.') || 'data'} ${issue?.message ?? ''}`.trim());
    }
    const handler = this.handlers[name] as Handler<Method>;
    return handler(this.#ctx, parsed.data as never);
  }

  #reply(response: ResponseEnvelope): void {
    this.#send(response);
  }

  #send(message: unknown): void {
    if (this.socket.readyState === this.socket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** A peer that misses a whole ping interval without a pong is gone: drop it. */
  #ping(): void {
    if (!this.#alive) {
      this.log.info({ participant: this.participant.id }, 'signaling ping timeout');
      this.#closeCode = SignalCloseCode.pingTimeout;
      this.socket.terminate();
      return;
    }
    this.#alive = false;
    this.socket.ping();
  }

  #closeSocket(): void {
    clearInterval(this.#pingTimer);
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) {
      this.socket.close(this.#closeCode);
    }
  }

  #onSocketClosed(): void {
    clearInterval(this.#pingTimer);
    this.#ctx.room.removeParticipant(this.participant);
  }
}

/** The id of a request we refuse unread, so the client can match the refusal; null when unclear. */
function peekRequestId(text: string): RequestId {
  try {
    const id: unknown = (JSON.parse(text) as { id?: unknown } | null)?.id;
    return (typeof id === 'number' && Number.isInteger(id)) || (typeof id === 'string' && id.length <= 64) ? (id as RequestId) : null;
  } catch {
    return null;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid_message', 'message is not valid JSON');
  }
}

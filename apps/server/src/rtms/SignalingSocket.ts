import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import {
  EventSubscriptionSchema,
  RtmsMsgType,
  RtmsStatus,
  SignalingHandshakeSchema,
  type MediaStreamState,
  type RtmsEventType,
} from '@roomcast/protocol';
import { verifyHandshake } from './handshake.js';
import { RtmsCloseCode, describeIssue, eventMessage, sessionList, sessionStateMessage, streamStateMessage, type RtmsMessage } from './messages.js';
import type { AppLookup, SessionUpdate, SignalingObserver, StreamLookup } from './ports.js';
import { RtmsSocket, type RtmsSocketOptions } from './RtmsSocket.js';
import { carriedKinds, mediaServerUrls } from './serverUrls.js';

export interface SignalingSocketDeps extends RtmsSocketOptions {
  streams: StreamLookup;
  apps: AppLookup;
  /** ws(s)://host[:port] apps dial for media. */
  baseUrl: string;
}

/**
 * `/rtms/signaling`: one app's control connection to one stream. After its handshake it hears the
 * stream's and sessions' states, and the events it subscribed to (msg 5, replacing the last set).
 */
export class SignalingSocket extends RtmsSocket implements SignalingObserver {
  readonly #deps: SignalingSocketDeps;
  #subscribed = new Set<RtmsEventType>();
  #detach: (() => void) | undefined;

  constructor(socket: WebSocket, log: FastifyBaseLogger, deps: SignalingSocketDeps) {
    super(socket, log, deps, RtmsMsgType.SIGNALING_HAND_SHAKE_RESP);
    this.#deps = deps;
  }

  protected onHandshake(message: RtmsMessage): void {
    if (message.msg_type !== RtmsMsgType.SIGNALING_HAND_SHAKE_REQ) {
      return this.refuse(RtmsStatus.INVALID_MESSAGE_TYPE, 'the first message must be the signaling handshake (msg_type 1)');
    }
    const handshake = SignalingHandshakeSchema.safeParse(message);
    if (!handshake.success) return this.refuse(RtmsStatus.INVALID_JSON_MSG, describeIssue(handshake.error));
    const verdict = verifyHandshake(this.#deps, handshake.data);
    if (!verdict.ok) {
      this.log.info({ status: verdict.status }, 'rtms signaling handshake refused');
      return this.refuse(verdict.status, verdict.reason);
    }
    const { stream } = verdict;
    this.opened();
    this.sendJson({
      msg_type: RtmsMsgType.SIGNALING_HAND_SHAKE_RESP,
      protocol_version: 1,
      status_code: RtmsStatus.OK,
      reason: '',
      media_server: { server_urls: mediaServerUrls(this.#deps.baseUrl, carriedKinds(stream.info())) },
      sessions: sessionList(stream.sessions()),
    });
    this.#detach = stream.attachSignaling(this);
  }

  protected onMessage(message: RtmsMessage): boolean {
    switch (message.msg_type) {
      case RtmsMsgType.SIGNALING_HAND_SHAKE_REQ:
        this.notice(RtmsStatus.DUPLICATE_SIGNAL_REQUEST, 'this socket has already shaken hands');
        return true;
      case RtmsMsgType.EVENT_SUBSCRIPTION: {
        const subscription = EventSubscriptionSchema.safeParse(message);
        if (!subscription.success) this.notice(RtmsStatus.INVALID_JSON_MSG, describeIssue(subscription.error));
        else this.#subscribed = new Set(subscription.data.events);
        return true;
      }
      default:
        return false;
    }
  }

  protected onClose(): void {
    const detach = this.#detach;
    this.#detach = undefined;
    detach?.();
  }

  sendStreamState(state: MediaStreamState, reason: string | null): void {
    this.sendJson(streamStateMessage(state, reason));
  }

  sendSessionState(s: SessionUpdate): void {
    this.sendJson(sessionStateMessage(s));
  }

  sendEvent(type: RtmsEventType, data: Record<string, unknown>): void {
    if (this.#subscribed.has(type)) this.sendJson(eventMessage(type, data));
  }

  end(reason: string): void {
    this.close(RtmsCloseCode.streamEnded, reason);
  }
}

import type { TLSSocket } from 'node:tls';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { MessageRateOptions } from '../signaling/MessageRateLimit.js';
import { MediaSocket } from './MediaSocket.js';
import type { AppLookup, StreamLookup } from './ports.js';
import { DEFAULT_SEND_QUEUE_LIMITS, type SendQueueLimits } from './SendQueue.js';
import { RTMS_MEDIA_PATH, RTMS_SIGNALING_PATH, rtmsBaseUrl } from './serverUrls.js';
import { SignalingSocket } from './SignalingSocket.js';

/** An app that connects but sends no handshake is refused after this (CONNECTION_TIMEOUT). */
export const RTMS_HANDSHAKE_TIMEOUT_MS = 10_000;

export interface RtmsDeps {
  streams: StreamLookup;
  apps: AppLookup;
  /** A keep-alive request every this many ms while no media flows (RTMS: 10 s). */
  keepAliveMs?: number;
  /** Unanswered keep-alive requests before the socket closes (RTMS: 3). */
  maxMissedKeepAlives?: number;
  /** The handshake must arrive within this many ms of the upgrade. */
  handshakeTimeoutMs?: number;
  /** Per media socket; see SendQueue. */
  queue?: Partial<SendQueueLimits>;
  /** Messages an app may send per socket (apps send few: handshake, subscribe, ready, keep-alive). */
  messageRate?: MessageRateOptions;
  /** PUBLIC_URL: the origin apps reach the server at, for the media URLs of msg 2. */
  publicUrl?: string;
}

/**
 * The RTMS sockets (issue 11, points 3–5 and 7): `GET /rtms/signaling` and `GET /rtms/media`.
 * Needs @fastify/websocket registered first (its `maxPayload` closes oversized frames). No
 * credentials at the upgrade: the first message is a handshake signed with the app's secret.
 */
export function registerRtms(app: FastifyInstance, deps: RtmsDeps): void {
  const common = {
    streams: deps.streams,
    apps: deps.apps,
    keepAliveMs: deps.keepAliveMs ?? 10_000,
    maxMissedKeepAlives: deps.maxMissedKeepAlives ?? 3,
    handshakeTimeoutMs: deps.handshakeTimeoutMs ?? RTMS_HANDSHAKE_TIMEOUT_MS,
    messageRate: deps.messageRate ?? { perSecond: 20, burst: 40 },
  };
  const queue = { ...DEFAULT_SEND_QUEUE_LIMITS, ...deps.queue };

  app.get(RTMS_SIGNALING_PATH, { websocket: true }, (socket, request) => {
    new SignalingSocket(socket, request.log, { ...common, baseUrl: baseUrlOf(request, deps.publicUrl) });
  });

  app.get(RTMS_MEDIA_PATH, { websocket: true }, (socket, request) => {
    const queryMediaType = (request.query as { media_type?: unknown } | undefined)?.media_type;
    new MediaSocket(socket, request.log, { ...common, queue, queryMediaType });
  });
}

function baseUrlOf(request: FastifyRequest, publicUrl: string | undefined): string {
  const socket = request.raw.socket;
  return rtmsBaseUrl({
    publicUrl,
    host: request.headers.host,
    encrypted: (socket as TLSSocket).encrypted === true,
    localAddress: socket.localAddress,
    localPort: socket.localPort,
  });
}

import fastifyReplyFrom from '@fastify/reply-from';
import type { FastifyPluginAsync, HTTPMethods } from 'fastify';
import { AppError, RtmsCloseCode, RtmsMsgType, RtmsStatus } from '@roomcast/protocol';
import type { EgressCommands } from '@roomcast/egress';
import { errorBody } from '../errors.js';
import { RTMS_HANDSHAKE_TIMEOUT_MS } from '../rtms/route.js';
import { RTMS_MEDIA_PATH, RTMS_SIGNALING_PATH } from '../rtms/serverUrls.js';
import { WAIT_FOR_RESTART_MS } from './EgressLink.js';
import { mergeRecordingLists } from './mergeLists.js';
import { pipeSocketTo } from './socketPipe.js';
import WebSocket, { type RawData } from 'ws';

/** What a forwarded request is about: a room's (`starts`: it starts a job there), an output's by id, or neither. */
export interface EgressTarget {
  room?: string;
  id?: string;
  starts?: boolean;
}

/** An egress in another process (or several, on egress nodes), as the SFU's HTTP side reaches it. */
export interface EgressForwarding {
  /** The base URL (`http://127.0.0.1:port`) of the egress that answers for the target, once one serves (waits a little); undefined when none does. */
  upstreamFor(target: EgressTarget): Promise<string | undefined>;
  /** Every egress serving now, when there may be several: a list that spans them (every recording) is merged from each. */
  everyUpstream?(): string[];
  /** What signaling asks of it (RPC). */
  commands: EgressCommands;
  /** Its Prometheus metrics, appended to the SFU's ('' when each egress is scraped on its own). */
  metrics(): Promise<string>;
}

/** The forwarding of one egress (a child process): every request goes to it. */
export function singleForwarding(egress: { upstream(): string | undefined; ready(timeoutMs: number): Promise<void> }, commands: EgressCommands, metrics: () => Promise<string>): EgressForwarding {
  return {
    upstreamFor: async () => {
      // A process starting or restarting: wait for it rather than refuse at once.
      if (!egress.upstream()) await egress.ready(WAIT_FOR_RESTART_MS).catch(() => undefined);
      return egress.upstream();
    },
    commands,
    metrics,
  };
}

/** Every HTTP route of registerEgressRoutes (egressRoutes.test.ts checks the two agree). */
export const EGRESS_HTTP_ROUTES: ReadonlyArray<{ method: HTTPMethods; url: string }> = [
  { method: 'POST', url: '/v1/rooms/:room/live_streams' },
  { method: 'GET', url: '/v1/rooms/:room/live_streams' },
  { method: 'GET', url: '/v1/live_streams/:id' },
  { method: 'POST', url: '/v1/live_streams/:id/stop' },
  { method: 'GET', url: '/hls/:id/master.m3u8' },
  { method: 'GET', url: '/hls/:id/:rendition/:file' },
  // CORS preflights of players on other origins.
  { method: 'OPTIONS', url: '/hls/*' },
  { method: 'OPTIONS', url: '/recordings/*' },
  { method: 'GET', url: '/v1/recordings' },
  { method: 'GET', url: '/v1/recordings/:id' },
  { method: 'DELETE', url: '/v1/recordings/:id' },
  { method: 'GET', url: '/recordings/:id/*' },
  { method: 'POST', url: '/v1/assets' },
  { method: 'GET', url: '/v1/assets/:id' },
  { method: 'DELETE', url: '/v1/assets/:id' },
  { method: 'POST', url: '/v1/rooms/:room/media_streams' },
  { method: 'GET', url: '/v1/rooms/:room/media_streams' },
  { method: 'GET', url: '/v1/media_streams/:id' },
  { method: 'POST', url: '/v1/media_streams/:id/pause' },
  { method: 'POST', url: '/v1/media_streams/:id/resume' },
  { method: 'POST', url: '/v1/media_streams/:id/stop' },
];

const unavailable = (): AppError => new AppError('service_unavailable', 'the egress is restarting; try again in a few seconds');

/**
 * The SFU's side of an egress in another process: its HTTP routes and the apps' RTMS sockets are
 * passed through as they are (reply-from streams the answer back, status and headers included),
 * so every API path and answer stays the same whichever process serves it.
 */
export function forwardToEgress(forwarding: EgressForwarding): FastifyPluginAsync {
  return async (app) => {
    // An SFU node in a cluster has it already (it forwards rooms' requests to their nodes).
    if (!app.hasReplyDecorator('from')) await app.register(fastifyReplyFrom, { undici: { connections: 64 } });
    // Bodies go on untouched, streamed (JSON or an image): the egress parses them and checks their limits.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    for (const { method, url } of EGRESS_HTTP_ROUTES) {
      app.route({
        method,
        url,
        handler: async (request, reply) => {
          const everyUpstream = url === RECORDINGS_LIST ? forwarding.everyUpstream?.() : undefined;
          if (everyUpstream && everyUpstream.length > 1) return mergeRecordingLists(request, reply, everyUpstream);
          const base = await forwarding.upstreamFor(targetOf(method, url, request.params as Record<string, string | undefined>));
          if (!base) throw unavailable();
          return reply.from(`${base}${request.url}`, {
            onError: (failed) => void failed.code(503).send(errorBody(unavailable())),
          });
        },
      });
    }
    for (const [path, replyType] of RTMS_PATHS) {
      app.get(path, { websocket: true }, (socket, request) => {
        // What the app sends before the pipe exists is held, then sent first.
        const held = holdMessages(socket);
        routeSocket(forwarding, held, socket, replyType).then((base) => {
          const received = held.release();
          if (socket.readyState !== WebSocket.OPEN) return;
          if (!base) return socket.close(1013, 'egress restarting');
          pipeSocketTo(socket, `${base.replace(/^http/, 'ws')}${request.url}`, request.headers.host, request.log, {}, received);
        }).catch((error: unknown) => {
          request.log.warn({ err: error }, "an app's socket could not be passed to its egress");
          socket.terminate();
        });
      });
    }
  };
}

/** The egress an app's socket goes to; undefined when none serves (or the app never said which stream). */
async function routeSocket(forwarding: EgressForwarding, held: HeldMessages, socket: WebSocket, replyType: number): Promise<string | undefined> {
  // One egress: it answers whatever the app sends (and times out a silent app itself).
  if (!forwarding.everyUpstream) return forwarding.upstreamFor({}).catch(() => undefined);
  // Several: the app's handshake names its stream, which says which one serves it.
  const first = await held.first(RTMS_HANDSHAKE_TIMEOUT_MS);
  if (first === undefined) {
    refuseSilentApp(socket, replyType);
    return undefined;
  }
  return forwarding.upstreamFor(handshakeTarget(first)).catch(() => undefined);
}

/** Refused as the egress refuses an app that sends no handshake in time. */
function refuseSilentApp(socket: WebSocket, replyType: number): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  const reason = 'no handshake in time';
  socket.send(JSON.stringify({ msg_type: replyType, status_code: RtmsStatus.CONNECTION_TIMEOUT, reason }));
  socket.close(RtmsCloseCode.timeout, reason);
}

/** The RTMS sockets, each with the msg_type of its handshake's reply. */
const RTMS_PATHS = [[RTMS_SIGNALING_PATH, RtmsMsgType.SIGNALING_HAND_SHAKE_RESP], [RTMS_MEDIA_PATH, RtmsMsgType.DATA_HAND_SHAKE_RESP]] as const;
const RECORDINGS_LIST = '/v1/recordings';

/** Routes by room (a POST to a room's collection starts a job there), else by the output's id. */
function targetOf(method: string, url: string, params: Record<string, string | undefined>): EgressTarget {
  if (params.room !== undefined) return { room: params.room, starts: method === 'POST' };
  // Assets live in one ASSETS_DIR that every egress mounts: any serves them.
  if (params.id !== undefined && !url.startsWith('/v1/assets')) return { id: params.id };
  return {};
}

/** An RTMS handshake's `room_id` and `stream_id`; nothing when it is not one (the egress then refuses it in its own words). */
function handshakeTarget(data: RawData): EgressTarget {
  try {
    const message = JSON.parse(data.toString()) as { room_id?: unknown; stream_id?: unknown };
    if (typeof message.stream_id === 'string') return { id: message.stream_id };
    if (typeof message.room_id === 'string') return { room: message.room_id };
  } catch {
    // Not JSON: any egress answers it.
  }
  return {};
}

interface Received {
  data: RawData;
  binary: boolean;
}

interface HeldMessages {
  /** The first message, once it came; undefined if the socket closed or stayed silent `timeoutMs`. */
  first(timeoutMs: number): Promise<RawData | undefined>;
  /** Stops holding: everything held so far, for the pipe that listens from here on (call it in the same tick). */
  release(): Received[];
}

function holdMessages(socket: WebSocket): HeldMessages {
  const received: Received[] = [];
  let arrived: (data: RawData | undefined) => void = () => undefined;
  const firstArrived = new Promise<RawData | undefined>((resolve) => (arrived = resolve));
  const onMessage = (data: RawData, binary: boolean): void => {
    received.push({ data, binary });
    arrived(data);
  };
  const onClose = (): void => arrived(undefined);
  socket.on('message', onMessage);
  socket.once('close', onClose);
  return {
    first: async (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const silence = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
      const first = await Promise.race([firstArrived, silence]);
      clearTimeout(timer);
      return first;
    },
    release: () => {
      socket.off('message', onMessage);
      socket.off('close', onClose);
      return received;
    },
  };
}

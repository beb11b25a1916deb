import fastifyReplyFrom from '@fastify/reply-from';
import type { FastifyPluginAsync, HTTPMethods } from 'fastify';
import { AppError } from '@roomcast/protocol';
import type { EgressCommands } from '@roomcast/egress';
import { errorBody } from '../errors.js';
import { RTMS_MEDIA_PATH, RTMS_SIGNALING_PATH } from '../rtms/serverUrls.js';
import { WAIT_FOR_RESTART_MS } from './EgressLink.js';
import { pipeSocketTo } from './socketPipe.js';

/** An egress in another process, as the SFU's HTTP side reaches it. */
export interface EgressForwarding {
  /** The egress's base URL (`http://127.0.0.1:port`); undefined while it is (re)starting. */
  upstream(): string | undefined;
  /** Resolves once it serves; rejects past `timeoutMs`. */
  ready(timeoutMs: number): Promise<void>;
  /** What signaling asks of it (RPC). */
  commands: EgressCommands;
  /** Its Prometheus metrics, appended to the SFU's. */
  metrics(): Promise<string>;
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
          // A process starting or restarting: wait for it rather than refuse at once.
          if (!forwarding.upstream()) await forwarding.ready(WAIT_FOR_RESTART_MS).catch(() => undefined);
          const base = forwarding.upstream();
          if (!base) throw unavailable();
          return reply.from(`${base}${request.url}`, {
            onError: (failed) => void failed.code(503).send(errorBody(unavailable())),
          });
        },
      });
    }
    for (const path of [RTMS_SIGNALING_PATH, RTMS_MEDIA_PATH]) {
      app.get(path, { websocket: true }, (socket, request) => {
        const base = forwarding.upstream();
        if (!base) return socket.close(1013, 'egress restarting');
        pipeSocketTo(socket, `${base.replace(/^http/, 'ws')}${request.url}`, request.headers.host, request.log);
      });
    }
  };
}

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  LiveStreamInfoSchema,
  LiveStreamListResponseSchema,
  LiveStreamParamsSchema,
  RoomParamsSchema,
  StartLiveStreamBodySchema,
} from '@roomcast/protocol';
import type { EgressService } from '@roomcast/egress';
import type { Auth } from '../auth.js';
import { ADMIN_ERRORS, ADMIN_SECURITY, requireAdmin } from './adminRoutes.js';

const API = { type: 'api', identity: null } as const;

/** HLS live streams of a room's composite: start, look up, list, stop. Playback is in hls.ts. */
export function liveStreamRoutes(egress: EgressService, auth: Auth): FastifyPluginAsyncZod {
  const live = egress.liveStreams;
  return async (app) => {
    requireAdmin(app, auth);

    app.post('/v1/rooms/:room/live_streams', {
      schema: {
        tags: ['live streams'], security: ADMIN_SECURITY,
        summary: 'Start an HLS live stream of the room composite (one per room; starts the composite if none runs)',
        params: RoomParamsSchema, body: StartLiveStreamBodySchema.nullish(),
        response: { 201: LiveStreamInfoSchema, ...ADMIN_ERRORS },
      },
    }, async (request, reply) => {
      await egress.checkLayout(request.body?.layout);
      return reply.code(201).send(await live.start(request.params.room, request.body ?? {}, API));
    });

    app.get('/v1/rooms/:room/live_streams', {
      schema: {
        tags: ['live streams'], security: ADMIN_SECURITY, summary: "The room's live streams, ended ones included, oldest first",
        params: RoomParamsSchema, response: { 200: LiveStreamListResponseSchema, ...ADMIN_ERRORS },
      },
    }, async (request) => ({ live_streams: live.list(request.params.room) }));

    app.get('/v1/live_streams/:id', {
      schema: {
        tags: ['live streams'], security: ADMIN_SECURITY, summary: 'A live stream: status, playback URL, recording',
        params: LiveStreamParamsSchema, response: { 200: LiveStreamInfoSchema, ...ADMIN_ERRORS },
      },
    }, async (request) => live.get(request.params.id));

    app.post('/v1/live_streams/:id/stop', {
      schema: {
        tags: ['live streams'], security: ADMIN_SECURITY,
        summary: 'Stop a live stream; answers once it has stopped (a recording then ends with ENDLIST)',
        params: LiveStreamParamsSchema, response: { 200: LiveStreamInfoSchema, ...ADMIN_ERRORS },
      },
    }, async (request) => live.stop(request.params.id, API));
  };
}

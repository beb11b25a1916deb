import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  BroadcastParamsSchema,
  EgressResponseSchema,
  RoomParamsSchema,
  StartRtmpBroadcastsBodySchema,
} from '@roomcast/protocol';
import type { EgressService } from '@roomcast/egress';
import type { Auth } from '../auth.js';
import { ADMIN_ERRORS, ADMIN_SECURITY, requireAdmin } from './adminRoutes.js';


/** RTMP(S) broadcasts of a room's composite: start several, stop one by name, stop all. */
export function broadcastRoutes(egress: EgressService, auth: Auth): FastifyPluginAsyncZod {
  return async (app) => {
    requireAdmin(app, auth);

    app.post('/v1/rooms/:room/rtmp_broadcasts', {
      schema: {
        tags: ['egress'], security: ADMIN_SECURITY,
        summary: 'Start RTMP(S) broadcasts of the room composite (adds destinations to a running one)',
        params: RoomParamsSchema, body: StartRtmpBroadcastsBodySchema,
        response: { 201: EgressResponseSchema, ...ADMIN_ERRORS },
      },
    }, async (request, reply) => {
      return reply.code(201).send({ egress: await egress.startBroadcasts(request.params.room, request.body) });
    });

    app.post('/v1/rooms/:room/rtmp_broadcasts/stop', {
      schema: { tags: ['egress'], security: ADMIN_SECURITY, summary: 'Stop every broadcast of the room', params: RoomParamsSchema, response: { 200: EgressResponseSchema, ...ADMIN_ERRORS } },
    }, async (request) => ({ egress: await egress.stopAll(request.params.room) }));

    app.post('/v1/rooms/:room/rtmp_broadcasts/:name/stop', {
      schema: { tags: ['egress'], security: ADMIN_SECURITY, summary: 'Stop one broadcast by name; the others go on', params: BroadcastParamsSchema, response: { 200: EgressResponseSchema, ...ADMIN_ERRORS } },
    }, async (request) => ({ egress: await egress.stopBroadcast(request.params.room, request.params.name) }));
  };

}

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  BroadcastParamsSchema,
  EgressResponseSchema,
  ErrorBodySchema,
  RoomParamsSchema,
  StartRtmpBroadcastsBodySchema,
} from '@roomcast/protocol';
import type { EgressService } from '@roomcast/egress';
import type { Auth } from '../auth.js';

const errors = { 400: ErrorBodySchema, 401: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema, 429: ErrorBodySchema };
const security = [{ bearer: [] }];

/** RTMP(S) broadcasts of a room's composite: start several, stop one by name, stop all. */
export function broadcastRoutes(egress: EgressService, auth: Auth): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', async (request) => auth.verifyAdmin(request.headers.authorization));

    app.post('/v1/rooms/:room/rtmp_broadcasts', {
      schema: {
        tags: ['egress'], security,
        summary: 'Start RTMP(S) broadcasts of the room composite (adds destinations to a running one)',
        params: RoomParamsSchema, body: StartRtmpBroadcastsBodySchema,
        response: { 201: EgressResponseSchema, ...errors },
      },
    }, async (request, reply) => {
      return reply.code(201).send({ egress: await egress.startBroadcasts(request.params.room, request.body) });
    });

    app.post('/v1/rooms/:room/rtmp_broadcasts/stop', {
      schema: { tags: ['egress'], security, summary: 'Stop every broadcast of the room', params: RoomParamsSchema, response: { 200: EgressResponseSchema, ...errors } },
    }, async (request) => ({ egress: await egress.stopAll(request.params.room) }));

    app.post('/v1/rooms/:room/rtmp_broadcasts/:name/stop', {
      schema: { tags: ['egress'], security, summary: 'Stop one broadcast by name; the others go on', params: BroadcastParamsSchema, response: { 200: EgressResponseSchema, ...errors } },
    }, async (request) => ({ egress: await egress.stopBroadcast(request.params.room, request.params.name) }));
  };

}

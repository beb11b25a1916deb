import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  BroadcastParamsSchema,
  EgressResponseSchema,
  RoomParamsSchema,
  SetLayoutBodySchema,
  StartRtmpBroadcastsBodySchema,
} from '@roomcast/protocol';
import type { EgressCommands } from '@roomcast/egress';
import type { Auth } from '../auth.js';
import { ADMIN_ERRORS, ADMIN_SECURITY, requireAdmin } from './adminRoutes.js';

/** A management call: `started_by` / `stopped_by` of the destinations it starts and stops. */
const API = { type: 'api', identity: null } as const;


/**
 * RTMP(S) broadcasts of a room's composite: start several, stop one by name, stop all. Served by the
 * SFU through EgressCommands wherever the egress runs, so it knows every broadcast it must resume
 * if an egress process dies (BroadcastJobs).
 */
export function broadcastRoutes(egress: EgressCommands, auth: Auth): FastifyPluginAsyncZod {
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
      return reply.code(201).send({ egress: await egress.startBroadcasts(request.params.room, request.body, API) });
    });

    app.post('/v1/rooms/:room/rtmp_broadcasts/stop', {
      schema: { tags: ['egress'], security: ADMIN_SECURITY, summary: 'Stop every broadcast of the room', params: RoomParamsSchema, response: { 200: EgressResponseSchema, ...ADMIN_ERRORS } },
    }, async (request) => ({ egress: await egress.stopAllBroadcasts(request.params.room, API) }));

    app.post('/v1/rooms/:room/rtmp_broadcasts/:name/stop', {
      schema: { tags: ['egress'], security: ADMIN_SECURITY, summary: 'Stop one broadcast by name; the others go on', params: BroadcastParamsSchema, response: { 200: EgressResponseSchema, ...ADMIN_ERRORS } },
    }, async (request) => ({ egress: await egress.stopBroadcast(request.params.room, request.params.name, API) }));

    app.put('/v1/rooms/:room/egress/layout', {
      schema: {
        tags: ['egress'], security: ADMIN_SECURITY,
        summary: "Change the running composite's layout and options: every output shows it within a frame, no destination reconnects (404 if none runs)",
        params: RoomParamsSchema, body: SetLayoutBodySchema,
        response: { 200: EgressResponseSchema, ...ADMIN_ERRORS },
      },
    }, async (request) => ({ egress: await egress.setLayout(request.params.room, request.body.layout) }));
  };

}

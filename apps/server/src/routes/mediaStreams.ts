import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AppError,
  MediaStreamIdSchema,
  MediaStreamInfoSchema,
  MediaStreamListResponseSchema,
  RoomParamsSchema,
  StartMediaStreamBodySchema,
} from '@roomcast/protocol';
import type { MediaStreamService } from '@roomcast/egress';
import type { Auth } from '../auth.js';
import type { MediaApps } from '../rtms/mediaApps.js';
import { ADMIN_ERRORS, ADMIN_SECURITY, requireAdmin } from './adminRoutes.js';

const API = { type: 'api' } as const;
const StreamParamsSchema = z.object({ id: MediaStreamIdSchema });
const CONTROL = { pause: 'Pause: media stops, the app is told (PAUSED)', resume: 'Resume a paused stream (RESUMED)', stop: 'Stop for good (STOPPED); the app is told and its sockets close' } as const;

/** Realtime media streams to registered apps (the RTMS flow): start, look up, list, pause, resume, stop. */
export function mediaStreamRoutes(streams: MediaStreamService, apps: MediaApps, auth: Auth): FastifyPluginAsyncZod {
  return async (app) => {
    requireAdmin(app, auth);

    app.post('/v1/rooms/:room/media_streams', {
      schema: {
        tags: ['media streams'], security: ADMIN_SECURITY,
        summary: "Stream the room's live media to a registered app (MEDIA_APPS); the app gets a signed media_stream.started webhook",
        params: RoomParamsSchema, body: StartMediaStreamBodySchema,
        response: { 201: MediaStreamInfoSchema, ...ADMIN_ERRORS },
      },
    }, async (request, reply) => {
      const registered = apps.byId(request.body.app);
      if (!registered) throw new AppError('bad_request', `no app "${request.body.app}" in MEDIA_APPS`);
      return reply.code(201).send(await streams.start(request.params.room, request.body, registered, API));
    });

    app.get('/v1/rooms/:room/media_streams', {
      schema: {
        tags: ['media streams'], security: ADMIN_SECURITY, summary: "The room's media streams, stopped ones still remembered included",
        params: RoomParamsSchema, response: { 200: MediaStreamListResponseSchema, ...ADMIN_ERRORS },
      },
    }, async (request) => ({ media_streams: streams.list(request.params.room) }));

    app.get('/v1/media_streams/:id', {
      schema: {
        tags: ['media streams'], security: ADMIN_SECURITY, summary: 'A media stream: state, what it carries, who started it',
        params: StreamParamsSchema, response: { 200: MediaStreamInfoSchema, ...ADMIN_ERRORS },
      },
    }, async (request) => streams.info(request.params.id));

    for (const action of ['pause', 'resume', 'stop'] as const) {
      app.post(`/v1/media_streams/:id/${action}`, {
        schema: {
          tags: ['media streams'], security: ADMIN_SECURITY, summary: CONTROL[action],
          params: StreamParamsSchema, response: { 200: MediaStreamInfoSchema, ...ADMIN_ERRORS },
        },
      }, async (request) => {
        const { id } = request.params;
        if (action === 'pause') return streams.pause(id);
        if (action === 'resume') return streams.resume(id);
        return streams.stop(id);
      });
    }
  };
}

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CreateRoomBodySchema,
  CreateTokenBodySchema,
  NoContentSchema,
  RoomListResponseSchema,
  RoomParamsSchema,
  RoomResponseSchema,
  TokenResponseSchema,
  UpdateRoomBodySchema,
} from '@roomcast/protocol';
import type { Sfu } from '@roomcast/sfu';
import type { Auth } from '../auth.js';
import { ADMIN_ERRORS, ADMIN_SECURITY, requireAdmin } from './adminRoutes.js';
import type { RoomTypes } from '../roomTypes/RoomTypes.js';

export interface RoomRoutesDeps {
  sfu: Sfu;
  auth: Auth;
  roomTypes: RoomTypes;
}


/** Management API for rooms and participant tokens. Every route needs an admin token. */
export function roomRoutes(deps: RoomRoutesDeps): FastifyPluginAsyncZod {
  const { sfu, auth, roomTypes } = deps;
  return async (app) => {
    requireAdmin(app, auth);

    app.post('/v1/rooms', {
      schema: {
        tags: ['rooms'], summary: 'Create a room', security: ADMIN_SECURITY,
        body: CreateRoomBodySchema.nullish(),
        response: { 201: RoomResponseSchema, ...ADMIN_ERRORS },
      },
    }, async (request, reply) => {
      // An unknown type or app is a 400 before the room exists.
      const configure = roomTypes.prepare(request.body?.type, request.body?.settings);
      const room = await sfu.createRoom(request.body?.name, { configure });
      return reply.code(201).send({ room: room.info() });
    });

    app.get('/v1/rooms', {
      schema: { tags: ['rooms'], summary: 'List rooms', security: ADMIN_SECURITY, response: { 200: RoomListResponseSchema, ...ADMIN_ERRORS } },
    }, async () => ({ rooms: [...sfu.rooms.values()].map((room) => room.info()) }));

    app.get('/v1/rooms/:room', {
      schema: {
        tags: ['rooms'], summary: 'A room with its participants and egress', security: ADMIN_SECURITY,
        params: RoomParamsSchema, response: { 200: RoomResponseSchema, ...ADMIN_ERRORS },
      },
    }, async (request) => ({ room: sfu.room(request.params.room).info() }));

    app.patch('/v1/rooms/:room', {
      schema: {
        tags: ['rooms'], summary: "Change a room's settings (deep-merged over its own; its type stays)", security: ADMIN_SECURITY,
        params: RoomParamsSchema, body: UpdateRoomBodySchema, response: { 200: RoomResponseSchema, ...ADMIN_ERRORS },
      },
    }, async (request) => {
      const room = sfu.room(request.params.room);
      roomTypes.update(room, request.body.settings);
      return { room: room.info() };
    });

    app.delete('/v1/rooms/:room', {
      schema: { tags: ['rooms'], summary: 'Close a room and everything it feeds', security: ADMIN_SECURITY, params: RoomParamsSchema, response: { 204: NoContentSchema, ...ADMIN_ERRORS } },
    }, async (request, reply) => {
      // Also tombstones the name: a token minted before the delete cannot re-create the room.
      sfu.deleteRoom(request.params.room);
      return reply.code(204).send(null);
    });

    app.post('/v1/rooms/:room/tokens', {
      schema: {
        tags: ['rooms'], summary: 'Mint a participant token for the client SDK', security: ADMIN_SECURITY,
        params: RoomParamsSchema, body: CreateTokenBodySchema,
        response: { 201: TokenResponseSchema, ...ADMIN_ERRORS },
      },
    }, async (request, reply) => {
      const room = sfu.room(request.params.room);
      const { token, expiresAt } = await auth.mintParticipant(room.name, request.body);
      return reply.code(201).send({ token, expires_at: expiresAt.toISOString() });
    });
  };
}

import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  AppError,
  DemoInfoResponseSchema,
  DemoTokenBodySchema,
  DemoTokenResponseSchema,
  ErrorBodySchema,
} from '@roomcast/protocol';
import type { Room, Sfu } from '@roomcast/sfu';
import type { Auth } from '../auth.js';
import type { Config } from '../config.js';
import { DemoRoomQuota } from './demoRoomQuota.js';

/** Demo sessions are short; a real backend picks its own lifetime. */
const DEMO_TOKEN_TTL_SECONDS = 4 * 3600;

/**
 * `POST /v1/demo/tokens`: lets the demo's lobby mint its own participant token, with no backend
 * of its own (and `GET /v1/demo` tells the lobby the route exists). Registered only in dev mode (the
 * published dev key/secret are in use, so anyone can mint tokens anyway); with real credentials the route does not exist and answers 404.
 * Rooms it creates come out of their own budget (`DEMO_ROOM_CREATE_MAX` per hour per IP,
 * `DEMO_MAX_ROOMS` open at once), so demo calls never lock admins out of MAX_ROOMS. Moderator
 * tokens only on a loopback HOST: on a public dev server (ROOMCAST_DEV_MODE) a stranger could
 * otherwise start broadcasts from any room.
 */
export function demoTokenRoutes(deps: { sfu: Sfu; auth: Auth; demo: Config['demo'] }): FastifyPluginAsyncZod {
  const { sfu, auth, demo } = deps;
  const quota = new DemoRoomQuota({ perHour: demo.roomCreatesPerHour, maxOpen: demo.maxRooms });
  sfu.on('roomClosed', (room) => quota.roomClosed(room.name));

  /** The room, created out of the demo's budget when it does not exist yet. */
  const demoRoom = async (name: string, ip: string): Promise<Room> => {
    const existing = sfu.rooms.get(name);
    if (existing) return existing;
    const refund = quota.reserve(ip, name);
    try {
      return await sfu.createRoom(name, { autoCreate: true });
    } catch (error) {
      refund();
      // Created meanwhile by someone else (another demo call, a participant token): join it.
      if (error instanceof AppError && error.code === 'conflict') return sfu.ensureRoom(name);
      throw error;
    }
  };

  return async (app) => {
    app.get('/v1/demo', {
      schema: { tags: ['demo'], summary: 'Dev mode only: tells the demo app it may mint tokens', response: { 200: DemoInfoResponseSchema } },
    }, async () => ({ dev_mode: true as const }));

    app.post('/v1/demo/tokens', {
      schema: {
        tags: ['demo'],
        summary: 'Dev mode only: create-or-join a room and mint a participant token for the demo app',
        body: DemoTokenBodySchema,
        response: { 201: DemoTokenResponseSchema, 400: ErrorBodySchema, 403: ErrorBodySchema, 404: ErrorBodySchema, 409: ErrorBodySchema, 429: ErrorBodySchema },
      },
    }, async (request, reply) => {
      const { room: roomName, name, role } = request.body;
      if (role === 'moderator' && !demo.moderators) {
        throw new AppError('forbidden', 'this dev server is public (ROOMCAST_DEV_MODE): the demo mints participant and viewer tokens only');
      }
      const room = await demoRoom(roomName, request.ip);
      // Two people may pick the same name: a random prefix keeps identities apart (the SFU
      // replaces an earlier connection of the same identity).
      const identity = `${randomBytes(6).toString('hex')}-${name}`;
      const { token } = await auth.mintParticipant(room.name, { identity, name, role, ttl_seconds: DEMO_TOKEN_TTL_SECONDS });
      return reply.code(201).send({ token, room: room.name });
    });
  };
}

import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  DemoInfoResponseSchema,
  DemoTokenBodySchema,
  DemoTokenResponseSchema,
  ErrorBodySchema,
} from '@roomcast/protocol';
import type { Sfu } from '@roomcast/sfu';
import type { Auth } from '../auth.js';

/** Demo sessions are short; a real backend picks its own lifetime. */
const DEMO_TOKEN_TTL_SECONDS = 4 * 3600;

/**
 * `POST /v1/demo/tokens`: lets the demo's lobby mint its own participant token, with no backend
 * of its own (and `GET /v1/demo` tells the lobby the route exists). Registered only in dev mode (the
 * published dev key/secret are in use, so anyone can mint tokens anyway); with real credentials the route does not exist and answers 404.
 */
export function demoTokenRoutes(deps: { sfu: Sfu; auth: Auth }): FastifyPluginAsyncZod {
  const { sfu, auth } = deps;
  return async (app) => {
    app.get('/v1/demo', {
      schema: { tags: ['demo'], summary: 'Dev mode only: tells the demo app it may mint tokens', response: { 200: DemoInfoResponseSchema } },
    }, async () => ({ dev_mode: true as const }));

    app.post('/v1/demo/tokens', {
      schema: {
        tags: ['demo'],
        summary: 'Dev mode only: create-or-join a room and mint a participant token for the demo app',
        body: DemoTokenBodySchema,
        response: { 201: DemoTokenResponseSchema, 400: ErrorBodySchema, 409: ErrorBodySchema, 429: ErrorBodySchema },
      },
    }, async (request, reply) => {
      const { room: roomName, name, role } = request.body;
      const room = await sfu.ensureRoom(roomName);
      // Two people may pick the same name: a random prefix keeps identities apart (the SFU
      // replaces an earlier connection of the same identity).
      const identity = `${randomBytes(6).toString('hex')}-${name}`;
      const { token } = await auth.mintParticipant(room.name, { identity, name, role, ttl_seconds: DEMO_TOKEN_TTL_SECONDS });
      return reply.code(201).send({ token, room: room.name });
    });
  };
}

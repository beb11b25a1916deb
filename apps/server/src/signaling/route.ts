import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ParticipantClaims } from '@roomcast/protocol';
import type { EgressService } from '@roomcast/egress';
import type { Room, Sfu } from '@roomcast/sfu';
import type { Auth } from '../auth.js';
import { createHandlers } from './handlers/index.js';
import type { MediaStreamHandlerDeps } from './handlers/mediaStreams.js';
import type { MessageRateOptions } from './MessageRateLimit.js';
import { Session } from './Session.js';
import { assertRoomHasPlace, capabilitiesFor, hasPlace } from '../roomTypes/roomAccess.js';

declare module 'fastify' {
  interface FastifyRequest {
    signaling?: { claims: ParticipantClaims; room: Room };
  }
}

export interface SignalingDeps {
  sfu: Sfu;
  auth: Auth;
  egress: EgressService;
  roomAutoCreate: boolean;
  mediaStreams: MediaStreamHandlerDeps;
  pingIntervalMs: number;
  messageRate: MessageRateOptions;
}

/**
 * `GET /ws?token=...`: the token is checked and the room found before the upgrade, so a bad
 * token gets a plain HTTP 401/404 instead of an upgraded socket that closes at once.
 */
export function registerSignaling(app: FastifyInstance, deps: SignalingDeps): void {
  const handlers = createHandlers(deps.egress, deps.mediaStreams);
  app.get(
    '/ws',
    {
      websocket: true,
      preValidation: async (request: FastifyRequest) => {
        const token = (request.query as { token?: unknown }).token;
        const claims = await deps.auth.verifyParticipant(typeof token === 'string' ? token : undefined);
        const room = await findOrCreateRoom(deps, claims.room);
        assertRoomHasPlace(room, claims.sub);
        request.signaling = { claims, room };
      },
    },
    (socket, request) => {
      const { claims, room } = request.signaling!;
      if (room.closed) {
        socket.close(4001, 'room closed');
        return;
      }
      // Others may have connected during the upgrade: the place is checked again, now that it is taken at once.
      if (!hasPlace(room, claims.sub)) {
        socket.close(4029, 'room is full');
        return;
      }
      // The participant exists before its session: notifications reach the session once it does.
      const ref: { session?: Session } = {};
      const participant = room.addParticipant({
        identity: claims.sub,
        name: claims.name ?? claims.sub,
        role: claims.role,
        capabilities: capabilitiesFor(room, claims.role, claims.capabilities),
        hidden: claims.hidden,
        notify: (method, data) => ref.session?.notify(method, data),
      });
      ref.session = new Session(socket, room, participant, request.log, handlers, deps.pingIntervalMs, deps.messageRate);
    },
  );
}

async function findOrCreateRoom(deps: SignalingDeps, name: string): Promise<Room> {
  if (!deps.roomAutoCreate) return deps.sfu.room(name);
  return deps.sfu.ensureRoom(name);
}

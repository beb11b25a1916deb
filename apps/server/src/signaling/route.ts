import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ParticipantClaims } from '@roomcast/protocol';
import type { EgressCommands } from '@roomcast/egress';
import type { Room, Sfu } from '@roomcast/sfu';
import { FORWARDED_HEADER, type RoomHomes } from '../cluster/RoomHomes.js';
import { pipeSocketTo } from '../egressNode/socketPipe.js';
import type { Auth } from '../auth.js';
import type { AssetUploadTickets } from '../routes/assetUploadTickets.js';
import { createHandlers } from './handlers/index.js';
import type { MediaStreamHandlerDeps } from './handlers/mediaStreams.js';
import type { MessageRateOptions } from './MessageRateLimit.js';
import { Session } from './Session.js';
import { assertRoomHasPlace, capabilitiesFor, hasPlace } from '../roomTypes/roomAccess.js';

declare module 'fastify' {
  interface FastifyRequest {
    signaling?: { claims: ParticipantClaims; room: Room } | { claims: ParticipantClaims; home: string };
  }
}

export interface SignalingDeps {
  sfu: Sfu;
  auth: Auth;
  egress: EgressCommands;
  roomAutoCreate: boolean;
  mediaStreams: MediaStreamHandlerDeps;
  pingIntervalMs: number;
  messageRate: MessageRateOptions;
  /** Moderators' logo upload tickets (`createLogoUpload`); none: refused. */
  assetUploads?: AssetUploadTickets;
  /** ROOMCAST_ROLE=sfu: rooms another node hosts; their participants' sockets are passed there. */
  homes?: RoomHomes;
}

/**
 * `GET /ws?token=...`: the token is checked and the room found before the upgrade, so a bad
 * token gets a plain HTTP 401/404 instead of an upgraded socket that closes at once.
 */
export function registerSignaling(app: FastifyInstance, deps: SignalingDeps): void {
  const handlers = createHandlers(deps.egress, deps.mediaStreams, deps.assetUploads);
  app.get(
    '/ws',
    {
      websocket: true,
      preValidation: async (request: FastifyRequest) => {
        const token = (request.query as { token?: unknown }).token;
        const claims = await deps.auth.verifyParticipant(typeof token === 'string' ? token : undefined);
        const home = request.headers[FORWARDED_HEADER] === undefined ? await deps.homes?.elsewhere(claims.room) : undefined;
        if (home !== undefined) {
          request.signaling = { claims, home };
          return;
        }
        const room = await findOrCreateRoom(deps, claims.room);
        assertRoomHasPlace(room, claims.sub);
        request.signaling = { claims, room };
      },
    },
    (socket, request) => {
      const signaling = request.signaling!;
      if ('home' in signaling) {
        pipeSocketTo(socket, `${signaling.home.replace(/^http/, 'ws')}${request.url}`, request.headers.host, request.log, { [FORWARDED_HEADER]: '1' });
        return;
      }
      const { claims, room } = signaling;
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
  // A room made anew here after its home died is the same room: its type and settings before anyone joins.
  const restore = deps.sfu.rooms.has(name) ? undefined : await deps.homes?.restorer(name);
  return deps.sfu.ensureRoom(name, restore);
}

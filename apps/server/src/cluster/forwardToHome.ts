import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FORWARDED_HEADER, type RoomHomes } from './RoomHomes.js';

/** The room a request is about: its `:room`, or the name a `POST /v1/rooms` creates. */
function roomOf(request: FastifyRequest): string | undefined {
  const param = (request.params as { room?: unknown } | undefined)?.room;
  if (typeof param === 'string') return param;
  if (request.method === 'POST' && request.routeOptions.url === '/v1/rooms') {
    const name = (request.body as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' ? name : undefined;
  }
  return undefined;
}

/**
 * ROOMCAST_ROLE=sfu: any node answers for any room (issue 13, Deliver 4). A request about a room
 * another node hosts is passed to that node (reply-from, as it is), marked so it is never passed on
 * again; the answer comes back unchanged. Needs @fastify/reply-from registered on `app`.
 */
export function forwardRoomRequests(app: FastifyInstance, homes: RoomHomes): void {
  app.addHook('preHandler', async (request, reply) => {
    if (request.headers[FORWARDED_HEADER] !== undefined) return;
    const room = roomOf(request);
    if (room === undefined) return;
    const home = await homes.elsewhere(room);
    if (home === undefined) return;
    await reply.from(`${home}${request.url}`, {
      rewriteRequestHeaders: (_request, headers) => ({ ...headers, [FORWARDED_HEADER]: '1' }),
    });
    return reply;
  });
}

import type { FastifyInstance } from 'fastify';
import { CombinedDirectory, type EgressService, localEgressCommands, mirrorRoomFeed, serveEgressCommands } from '@roomcast/egress';
import { ClusterStatus } from '../cluster/ClusterStatus.js';
import { type Cluster, startCluster } from '../cluster/startCluster.js';
import type { Config } from '../config.js';
import { isInternalRequest } from './internalAuth.js';
import { type EgressNode, startEgressNode } from './startEgressNode.js';
import { wsPipe } from './wsPipe.js';

/** Where SFU nodes connect: the room feed and the commands, over one socket per SFU node. */
export const INTERNAL_EGRESS_PATH = '/internal/egress';
/** `GET <path>/:id` (internal token): 204 when this node holds that live stream, recording or media stream, else 404. */
export const INTERNAL_OUTPUTS_PATH = '/internal/egress/outputs';
/** The connecting SFU node's own URL, where its rooms' web layout pages and signaling are. */
export const SFU_ORIGIN_HEADER = 'x-roomcast-sfu-origin';

/** An http(s) origin from the header, or undefined (the node's own origin is used then). */
function sfuOrigin(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string') return undefined;
  try {
    const url = new URL(header);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

export interface EgressRole {
  node: EgressNode;
  cluster: Cluster;
  close(): Promise<void>;
}

/**
 * ROOMCAST_ROLE=egress: an egress node. SFU nodes find it in the registry (REDIS_URL) and connect to
 * `/internal/egress` with the internal token; it composites and streams their rooms, serves its
 * outputs' routes (SFU nodes forward them here) and sends its own webhooks.
 */
export async function startEgressRole(config: Config): Promise<EgressRole> {
  const rooms = new CombinedDirectory();
  const status = new ClusterStatus(config.cluster.role, true);
  const node = await startEgressNode({
    cluster: () => status.state,
    config,
    rooms,
    notify: { event: (room, type, data) => void rooms.sfuFor(room)?.egressEvent(room, type, data).catch(() => undefined) },
    listen: { host: config.host, port: config.port },
    roomOrigin: (room) => rooms.originFor(room),
    extraRoutes: (app, egress) => {
      acceptSfuNodes(app, egress, rooms, config.apiSecret);
      answerWhatItHolds(app, egress, config.apiSecret);
    },
  });
  // The node's one Redis connection (its webhook queue) also carries its registry entry.
  const redis = node.redis!;
  const port = Number(new URL(node.url).port);
  const cluster = startCluster(config, { redis, status, port, load: () => ({ rooms: rooms.rooms.size, composites: node.egress.composites.size }), log: node.app.log });
  return {
    node,
    cluster,
    close: async () => {
      await cluster.close();
      await node.close();
    },
  };
}

function acceptSfuNodes(app: FastifyInstance, egress: EgressService, rooms: CombinedDirectory, apiSecret: string): void {
  app.get(INTERNAL_EGRESS_PATH, { websocket: true }, (socket, request) => {
    if (!isInternalRequest(request.headers.authorization, apiSecret)) {
      socket.close(4001, 'not an SFU node of this cluster');
      return;
    }
    const pipe = wsPipe(socket);
    const feed = mirrorRoomFeed(pipe);
    const remove = rooms.add(feed.directory, feed.sfu, sfuOrigin(request.headers[SFU_ORIGIN_HEADER]));
    const commands = serveEgressCommands(pipe, localEgressCommands(egress));
    feed.ready.catch(() => socket.close(1011, 'room feed failed'));
    request.log.info('SFU node connected');
    socket.once('close', () => {
      // Its rooms are gone from here: their outputs stop (the SFU node resumes them elsewhere if it lives).
      remove();
      commands.close();
      feed.close();
      request.log.warn('SFU node disconnected');
    });
  });
}

/** SFU nodes ask each egress node which one holds an output (a request by id goes there). */
function answerWhatItHolds(app: FastifyInstance, egress: EgressService, apiSecret: string): void {
  app.get<{ Params: { id: string } }>(`${INTERNAL_OUTPUTS_PATH}/:id`, { schema: { hide: true } }, async (request, reply) => {
    if (!isInternalRequest(request.headers.authorization, apiSecret)) return reply.code(401).send();
    return reply.code(holdsOutput(egress, request.params.id) ? 204 : 404).send();
  });
}

function holdsOutput(egress: EgressService, id: string): boolean {
  if (egress.mediaStreams.get(id)) return true;
  for (const lookUp of [() => egress.liveStreams.get(id), () => egress.recordings.get(id)]) {
    try {
      lookUp();
      return true;
    } catch {
      // Not this kind of output (or not here).
    }
  }
  return false;
}

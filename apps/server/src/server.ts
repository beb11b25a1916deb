import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { EgressService } from '@roomcast/egress';
import { Sfu } from '@roomcast/sfu';
import { buildApp } from './app.js';
import type { EgressLink } from './egressNode/EgressLink.js';
import type { EgressPool } from './egressNode/EgressPool.js';
import { childEgress, type EgressSide, inlineEgress } from './egressNode/egressSides.js';
import { nodeEgress } from './egressNode/nodeEgress.js';
import type { NodeRegistry } from './cluster/NodeRegistry.js';
import { OwnedRecords } from './cluster/OwnedRecords.js';
import { RoomHomes } from './cluster/RoomHomes.js';
import { ROOM_DEFINITION_TTL_MS, RoomDefinitions } from './roomTypes/RoomDefinitions.js';
import { ClusterStatus } from './cluster/ClusterStatus.js';
import { type Cluster, startCluster } from './cluster/startCluster.js';
import { Auth } from './auth.js';
import type { Config } from './config.js';
import { hostPort } from './egressNode/hostPort.js';
import { WebhookSender } from './webhooks/WebhookSender.js';
import { createRedisClient } from './webhooks/redisClient.js';
import { RoomTypes } from './roomTypes/RoomTypes.js';

export interface RunningServer {
  app: FastifyInstance;
  sfu: Sfu;
  auth: Auth;
  /** The egress when it runs in this process (EGRESS_PROCESS=inline); reading it otherwise throws. */
  egress: EgressService;
  /** The link to the egress process (EGRESS_PROCESS=child, the default) or nodes; none when it runs in this process. */
  egressLink?: EgressLink;
  /** ROOMCAST_ROLE=sfu: the links to the egress nodes, and each room's node. */
  egressPool?: EgressPool;
  webhooks: WebhookSender;
  /** REDIS_URL: this node's registry entry and room placement; none without Redis. */
  cluster?: Cluster;
  /** http://host:port the server listens on. */
  url: string;
  /** Stops accepting connections, closes every room (participants are told) and the workers. */
  close(): Promise<void>;
}

/** Wires the SFU and the HTTP/WebSocket app together and starts listening. */
export async function startServer(config: Config, options: { logStream?: { write(line: string): void } } = {}): Promise<RunningServer> {
  const roomTypes = new RoomTypes(config.roomTypes, { limits: config.participantLimits, appIds: new Set(config.mediaStreams.apps.all().map((a) => a.id)) });
  const sfu = await createSfu(config, roomTypes);
  const auth = new Auth(config.apiKey, config.apiSecret);
  // The app (and its logger) is built after the egress it serves: forward to it once it exists.
  const appLog: { current?: FastifyBaseLogger } = {};
  // Known once listening (PORT=0 picks one): what `media_stream.started` tells apps to dial.
  const listening: { port?: number } = {};
  const clusterRef: { current?: Cluster } = {};
  const clusterStatus = new ClusterStatus(config.cluster.role, config.redisUrl !== undefined);
  // A cluster of SFU nodes: each room has one home, and any node answers for it.
  const homes = config.cluster.role === 'sfu' && config.redisUrl !== undefined
    ? new RoomHomes(sfu, () => clusterRef.current, { warn: (details, message) => appLog.current?.warn(details, message) })
    : undefined;
  const egressSide = chooseEgress(config, sfu, auth, appLog, () => listening.port ?? config.port, () => clusterRef.current?.registry, homes);
  const app = await buildApp({ config, sfu, auth, egress: egressSide.appEgress, roomTypes, cluster: clusterStatus, logStream: options.logStream, homes });
  appLog.current = app.log;
  // REDIS_URL: the webhook queue lives in Redis (retries survive a restart); closed after the senders.
  const redis = config.redisUrl === undefined ? undefined : createRedisClient(config.redisUrl, app.log);
  const webhooks = new WebhookSender({ urls: config.webhooks.urls, secret: config.webhooks.secret, log: app.log, redis });
  const closeEgressExtras = egressSide.wire(webhooks, redis, app.log);
  sfu.on('roomError', (room, error, task) => app.log.warn({ room: room.name, err: error }, `room task failed: ${task}`));
  sfu.on('workerDied', (pid, error) => app.log.error({ workerPid: pid, err: error }, 'mediasoup worker died; its rooms were closed'));
  sfu.pool.on('workerReplaced', (worker) => app.log.warn({ workerPid: worker.pid }, 'mediasoup worker replaced'));
  try {
    await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    sfu.close();
    redis?.disconnect();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  listening.port = port;
  // Registered once listening (the default INTERNAL_URL needs the port); a Redis that is down now registers it later.
  const cluster = redis && startCluster(config, {
    redis,
    status: clusterStatus,
    port,
    load: () => ({ rooms: sfu.rooms.size, composites: [...sfu.rooms.values()].filter((room) => room.egress.broadcasting).length }),
    log: app.log,
  });
  clusterRef.current = cluster;
  const definitions = homes && redis && keepRoomDefinitions(homes, redis, { config, sfu, roomTypes, log: app.log });
  try {
    await egressSide.start();
  } catch (error) {
    await egressSide.close();
    definitions?.close();
    await cluster?.close();
    await app.close();
    sfu.close();
    redis?.disconnect();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    app,
    sfu,
    auth,
    get egress(): EgressService {
      if (!egressSide.local) throw new Error('the egress runs in its own process (EGRESS_PROCESS=child): no EgressService here');
      return egressSide.local;
    },
    egressLink: egressSide.link,
    egressPool: egressSide.pool,
    webhooks,
    cluster,
    url: `http://${hostPort(config.host, port)}`,
    close: () =>
      (closing ??= (async () => {
        // Broadcasts first, so destinations see a clean end of stream rather than a cut.
        await egressSide.close();
        for (const room of [...sfu.rooms.values()]) room.close('server_shutdown');
        await app.close();
        sfu.close();
        await webhooks.close();
        await closeEgressExtras();
        definitions?.close();
        await cluster?.close();
        redis?.disconnect();
      })()),
  };
}

/** A room made anew on another SFU node after this one died keeps its type and settings (RoomDefinitions in Redis). */
function keepRoomDefinitions(
  homes: RoomHomes, redis: Redis, { config, sfu, roomTypes, log }: { config: Config; sfu: Sfu; roomTypes: RoomTypes; log: FastifyBaseLogger },
): RoomDefinitions {
  const records = new OwnedRecords(redis, config.cluster.nodeId, 'room-settings', ROOM_DEFINITION_TTL_MS);
  const definitions = new RoomDefinitions(records, () => [...sfu.rooms.keys()], log);
  homes.keepDefinitions(definitions, roomTypes);
  return definitions;
}

function createSfu(config: Config, roomTypes: RoomTypes): Promise<Sfu> {
  return Sfu.create({
    workers: { size: config.workers, rtcMinPort: config.rtc.minPort, rtcMaxPort: config.rtc.maxPort },
    webRtc: {
      listenIps: [{ ip: config.rtc.listenIp, announcedIp: config.rtc.announcedIp }],
      initialAvailableOutgoingBitrate: 1_000_000,
      mediaTimeoutMs: config.mediaTimeoutMs,
      tapListenIp: config.egress.tapListenIp,
    },
    maxRooms: config.maxRooms,
    consumersPerWorker: config.consumersPerWorker,
    // Rooms nobody created with a type (tokens, the demo) get the default type's settings.
    configureRoom: (room) => roomTypes.configureDefault(room),
    // A live broadcast keeps an empty room open: a 'starting soon' card is a real show (README).
    emptyRooms: { timeoutMs: config.roomEmptyTimeoutMs, keep: (room) => room.egress.broadcasting },
  });
}

/** Where the egress runs: on egress nodes (ROOMCAST_ROLE=sfu), else in a child process or this one (EGRESS_PROCESS). */
function chooseEgress(
  config: Config, sfu: Sfu, auth: Auth, appLog: { current?: FastifyBaseLogger }, port: () => number, registry: () => NodeRegistry | undefined, homes: RoomHomes | undefined,
): EgressSide {
  if (config.cluster.role === 'sfu') return nodeEgress(config, sfu, appLog, registry, homes);
  if (config.egress.process === 'inline') return inlineEgress(config, sfu, auth, appLog, port);
  return childEgress(config, sfu, appLog, port);
}

import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import fastifyReplyFrom from '@fastify/reply-from';
import fastifyStatic from '@fastify/static';
import { type EgressCommands, type EgressService, localEgressCommands } from '@roomcast/egress';
import type { Sfu } from '@roomcast/sfu';
import { createBaseApp } from './appBase.js';
import type { Auth } from './auth.js';
import type { Config } from './config.js';
import { unhandledRejections } from './crashGuards.js';
import { createMetrics } from './metrics.js';
import { ClusterStatus, registerClusterMetrics } from './cluster/ClusterStatus.js';
import { forwardRoomRequests } from './cluster/forwardToHome.js';
import type { RoomHomes } from './cluster/RoomHomes.js';
import { registerEgressRoutes } from './egressNode/egressRoutes.js';
import { type EgressForwarding, forwardToEgress } from './egressNode/forwardToEgress.js';
import { AssetUploadTickets } from './routes/assetUploadTickets.js';
import { broadcastRoutes } from './routes/broadcasts.js';
import { demoTokenRoutes } from './routes/demoTokens.js';
import { healthRoutes } from './routes/health.js';
import { mediaDroppedFrames } from './rtms/rtmsMetrics.js';
import { roomRoutes } from './routes/rooms.js';
import type { RoomTypes } from './roomTypes/RoomTypes.js';
import { watchRoutes } from './routes/watch.js';
import { registerSignaling } from './signaling/route.js';

/** The egress in this process, or in another one that the SFU forwards to (EGRESS_PROCESS=child). */
export type AppEgress = { local: EgressService } | { remote: EgressForwarding };

export interface AppDeps {
  config: Config;
  sfu: Sfu;
  auth: Auth;
  egress: AppEgress;
  /** ROOM_TYPES_FILE's types: settings of new rooms, PATCH of a room's. */
  roomTypes: RoomTypes;
  /** What /healthz and /metrics say of the cluster; default: this role, clustered when REDIS_URL is set, never registered. */
  cluster?: ClusterStatus;
  /** Where log lines go (stdout by default); tests capture them to check what is logged. */
  logStream?: { write(line: string): void };
  /** ROOMCAST_ROLE=sfu with REDIS_URL: rooms hosted by other nodes, whose requests go there. */
  homes?: RoomHomes;
}

export async function buildApp({ config, sfu, auth, egress, roomTypes, cluster, logStream, homes }: AppDeps): Promise<FastifyInstance> {
  const app = await createBaseApp({ config, logStream, facing: 'public' });
  const local = 'local' in egress ? egress.local : undefined;
  const remote = 'remote' in egress ? egress.remote : undefined;
  const metrics = createMetrics(sfu, local);
  metrics.registerMetric(unhandledRejections);
  metrics.registerMetric(mediaDroppedFrames);
  const clusterStatus = cluster ?? new ClusterStatus(config.cluster.role, config.redisUrl !== undefined);
  registerClusterMetrics(metrics, clusterStatus);
  await app.register(healthRoutes(sfu, metrics, clusterStatus, remote?.metrics));
  if (homes) {
    await app.register(fastifyReplyFrom, { undici: { connections: 64 } });
    forwardRoomRequests(app, homes);
  }
  await app.register(roomRoutes({ sfu, auth, roomTypes }));
  // Upload tickets are signed: whichever process redeems them needs only the same API secret.
  const assetUploads = new AssetUploadTickets(config.apiSecret);
  let commands: EgressCommands;
  if (local) {
    await registerEgressRoutes(app, { config, auth, egress: local, assetUploads });
    commands = localEgressCommands(local);
  } else {
    await app.register(forwardToEgress(remote!));
    commands = remote!.commands;
  }
  await app.register(broadcastRoutes(commands, auth));
  // Dev mode only: with real credentials the route does not exist (404), so nobody mints tokens.
  if (config.devMode) await app.register(demoTokenRoutes({ sfu, auth, demo: config.demo }));
  registerSignaling(app, {
    sfu,
    auth,
    egress: commands,
    roomAutoCreate: config.roomAutoCreate,
    mediaStreams: { streams: commands, apps: config.mediaStreams.apps, participantRequests: config.mediaStreams.participantRequests },
    pingIntervalMs: config.wsPingIntervalMs,
    messageRate: config.signalingRate,
    assetUploads: local && !local.options.assets ? undefined : assetUploads,
    homes,
  });
  await registerDemo(app, config.demoDir);
  // The audience page of a live stream (the demo's second page): no credentials, like /hls.
  await app.register(watchRoutes(config.demoDir));
  return app;
}

/** The demo app's static build, served at `/` when it has been built. */
async function registerDemo(app: FastifyInstance, demoDir: string): Promise<void> {
  if (!existsSync(demoDir)) {
    app.log.warn({ demoDir }, 'demo app not built: `/` will 404 (run scripts/setup.sh)');
    return;
  }
  await app.register(fastifyStatic, { root: demoDir, prefix: '/', index: 'index.html' });
}

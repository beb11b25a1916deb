import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { EgressService, type EgressLog } from '@roomcast/egress';
import { HealthResponseSchema } from '@roomcast/protocol';
import type { RoomDirectory } from '@roomcast/sfu';
import { createBaseApp } from '../appBase.js';
import { Auth } from '../auth.js';
import type { Config } from '../config.js';
import { type EgressNotifier, wireEgressWebhooks } from '../events.js';
import { createEgressMetrics } from '../metrics.js';
import { AssetUploadTickets, RedisTicketLedger } from '../routes/assetUploadTickets.js';
import { AppWebhooks } from '../rtms/appWebhooks.js';
import { wireAutoStart } from '../rtms/autoStart.js';
import { mediaDroppedFrames } from '../rtms/rtmsMetrics.js';
import { rtmsBaseUrl, signalingUrl } from '../rtms/serverUrls.js';
import { createRedisClient } from '../webhooks/redisClient.js';
import { WebhookSender } from '../webhooks/WebhookSender.js';
import { egressOptions } from './egressOptions.js';
import { registerEgressRoutes } from './egressRoutes.js';
import { hostPort } from './hostPort.js';

export interface EgressNodeOptions {
  config: Config;
  /** The SFU's rooms (a mirror of them, over the room feed). */
  rooms: RoomDirectory;
  /** Tells a room's participants what its egress does (through the SFU). */
  notify: Pick<EgressNotifier, 'event'>;
  /**
   * The SFU's HTTP port: web layout pages load from it and media apps dial it (it forwards to us).
   * Unset (an egress node): this node's own port.
   */
  sfuPort?: number;
  /** Where this process listens for what the SFU forwards: loopback, any free port by default. */
  listen?: { host: string; port: number };
  /** An egress node: the origin of the SFU node a room lives on (see WebLayoutSettings.roomOrigin). */
  roomOrigin?: (room: string) => string | undefined;
  /** Routes of its own before it listens (an egress node's `/internal/egress`). */
  extraRoutes?: (app: FastifyInstance, egress: EgressService) => void;
  /** What `/healthz` says of the cluster (an egress node's registry); default: not in one. */
  cluster?: () => 'off' | 'up' | 'down';
  logStream?: { write(line: string): void };
}

export interface EgressNode {
  app: FastifyInstance;
  egress: EgressService;
  /** http://127.0.0.1:port */
  url: string;
  /** REDIS_URL's client (webhook queue), for whatever else of the node needs Redis; closed by close(). */
  redis?: Redis;
  close(): Promise<void>;
}

/**
 * An egress process: the EgressService over the SFU's rooms, the HTTP routes of its outputs
 * (broadcasts, live streams, HLS, recordings, assets, media streams and the apps' sockets) and the
 * webhooks of its events. It reaches the rooms only through `rooms` (issue 13's narrow interface).
 */
export async function startEgressNode(options: EgressNodeOptions): Promise<EgressNode> {
  const { config, rooms } = options;
  const auth = new Auth(config.apiKey, config.apiSecret);
  const appLog: { current?: FastifyInstance['log'] } = {};
  const log: EgressLog = { warn: (details, message) => appLog.current?.warn(details, message) };
  const listen = options.listen ?? { host: '127.0.0.1', port: 0 };
  const listening: { port?: number } = {};
  const sfuPort = (): number => options.sfuPort ?? listening.port ?? listen.port;
  const egress = new EgressService(rooms, egressOptions(config, {
    log,
    listeningPort: sfuPort,
    signalingUrl: () => signalingUrl(rtmsBaseUrl({ publicUrl: config.publicUrl, host: hostPort(config.host, sfuPort()), encrypted: false })),
    auth,
    roomOrigin: options.roomOrigin,
  }));
  const app = await createBaseApp({ config, logStream: options.logStream, facing: 'internal' });
  appLog.current = app.log;
  registerOps(app, egress, options.cluster ?? (() => 'off'));
  const redis = config.redisUrl === undefined ? undefined : createRedisClient(config.redisUrl, app.log);
  // With Redis (egress nodes), a ticket used on one node is used on every node.
  const assetUploads = new AssetUploadTickets(config.apiSecret, undefined, redis && new RedisTicketLedger(redis));
  await registerEgressRoutes(app, { config, auth, egress, assetUploads });
  options.extraRoutes?.(app, egress);

  const webhooks = new WebhookSender({ urls: config.webhooks.urls, secret: config.webhooks.secret, log: app.log, redis });
  wireEgressWebhooks(egress, webhooks);
  egress.on('event', (room, type, data) => options.notify.event(room.name, type, data));
  egress.on('backgroundError', (error, task) => app.log.warn({ err: error }, `egress task failed: ${task}`));
  const appWebhooks = new AppWebhooks(config.mediaStreams.apps, app.log, { redis });
  appWebhooks.wire(egress);
  wireAutoStart(rooms, egress, config.mediaStreams.apps, app.log);

  await app.listen(listen);
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : listen.port;
  listening.port = port;
  let closing: Promise<void> | undefined;
  return {
    app,
    egress,
    url: `http://${hostPort(listen.host, port)}`,
    redis,
    close: () =>
      (closing ??= (async () => {
        // Outputs first, so destinations see a clean end of stream rather than a cut.
        await egress.close();
        await app.close();
        await webhooks.close();
        await appWebhooks.close();
        redis?.disconnect();
      })()),
  };
}

/** /healthz and /metrics of the egress process itself (the SFU appends these metrics to its own). */
function registerOps(app: FastifyInstance, egress: EgressService, cluster: () => 'off' | 'up' | 'down'): void {
  const metrics = createEgressMetrics(egress);
  metrics.registerMetric(mediaDroppedFrames);
  app.get('/healthz', { schema: { response: { 200: HealthResponseSchema } } }, async () => ({
    status: 'ok' as const,
    workers: 0,
    role: 'egress' as const,
    cluster: cluster(),
  }));
  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.contentType);
    return metrics.metrics();
  });
}

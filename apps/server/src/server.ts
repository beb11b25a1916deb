import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { createRecognizer, DestinationPolicy, type EgressLog, EgressService, type EgressServiceOptions } from '@roomcast/egress';
import { Sfu } from '@roomcast/sfu';
import { buildApp } from './app.js';
import { Auth } from './auth.js';
import type { Config } from './config.js';
import { wireEvents } from './events.js';
import { urlSigner } from './routes/urlSigning.js';
import { WebhookSender } from './webhooks/WebhookSender.js';
import { createRedisClient } from './webhooks/redisClient.js';
import { AppWebhooks } from './rtms/appWebhooks.js';
import { wireAutoStart } from './rtms/autoStart.js';
import { RoomTypes } from './roomTypes/RoomTypes.js';
import { rtmsBaseUrl, signalingUrl } from './rtms/serverUrls.js';
import { localOrigin, webLayoutSettings } from './webLayout/webLayoutSettings.js';

export interface RunningServer {
  app: FastifyInstance;
  sfu: Sfu;
  auth: Auth;
  egress: EgressService;
  webhooks: WebhookSender;
  /** http://host:port the server listens on. */
  url: string;
  /** Stops accepting connections, closes every room (participants are told) and the workers. */
  close(): Promise<void>;
}

/** Wires the SFU and the HTTP/WebSocket app together and starts listening. */
export async function startServer(config: Config, options: { logStream?: { write(line: string): void } } = {}): Promise<RunningServer> {
  const roomTypes = new RoomTypes(config.roomTypes, { limits: config.participantLimits, appIds: new Set(config.mediaStreams.apps.all().map((a) => a.id)) });
  const sfu = await Sfu.create({
    workers: { size: config.workers, rtcMinPort: config.rtc.minPort, rtcMaxPort: config.rtc.maxPort },
    webRtc: {
      listenIps: [{ ip: config.rtc.listenIp, announcedIp: config.rtc.announcedIp }],
      initialAvailableOutgoingBitrate: 1_000_000,
      mediaTimeoutMs: config.mediaTimeoutMs,
    },
    maxRooms: config.maxRooms,
    consumersPerWorker: config.consumersPerWorker,
    // Rooms nobody created with a type (tokens, the demo) get the default type's settings.
    configureRoom: (room) => roomTypes.configureDefault(room),
    // A live broadcast keeps an empty room open: a 'starting soon' card is a real show (README).
    emptyRooms: { timeoutMs: config.roomEmptyTimeoutMs, keep: (room) => room.egress.broadcasting },
  });
  const auth = new Auth(config.apiKey, config.apiSecret);
  // The app (and its logger) is built after the egress it serves: forward to it once it exists.
  const appLog: { current?: FastifyBaseLogger } = {};
  const egressLog: EgressLog = { warn: (details, message) => appLog.current?.warn(details, message) };
  // Known once listening (PORT=0 picks one): what `media_stream.started` tells apps to dial.
  const listening: { port?: number } = {};
  const rtmsBase = () => rtmsBaseUrl({ publicUrl: config.publicUrl, host: listening.port === undefined ? undefined : hostPort(config.host, listening.port), encrypted: false });
  const egress = new EgressService(sfu, egressOptions(config, {
    log: egressLog,
    listeningPort: () => listening.port ?? config.port,
    signalingUrl: () => signalingUrl(rtmsBase()),
    auth,
  }));
  const app = await buildApp({ config, sfu, auth, egress, roomTypes, logStream: options.logStream });
  appLog.current = app.log;
  // REDIS_URL: the webhook queue lives in Redis (retries survive a restart); closed after the senders.
  const redis = config.redisUrl === undefined ? undefined : createRedisClient(config.redisUrl, app.log);
  const webhooks = new WebhookSender({ urls: config.webhooks.urls, secret: config.webhooks.secret, log: app.log, redis });
  wireEvents(sfu, egress, webhooks);
  const appWebhooks = new AppWebhooks(config.mediaStreams.apps, app.log, { redis });
  appWebhooks.wire(egress);
  wireAutoStart(sfu, egress, config.mediaStreams.apps, app.log);
  sfu.on('roomError', (room, error, task) => app.log.warn({ room: room.name, err: error }, `room task failed: ${task}`));
  egress.on('backgroundError', (error, task) => app.log.warn({ err: error }, `egress task failed: ${task}`));
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
  let closing: Promise<void> | undefined;
  return {
    app,
    sfu,
    auth,
    egress,
    webhooks,
    url: `http://${hostPort(config.host, port)}`,
    close: () =>
      (closing ??= (async () => {
        // Broadcasts first, so destinations see a clean end of stream rather than a cut.
        await egress.close();
        for (const room of [...sfu.rooms.values()]) room.close('server_shutdown');
        await app.close();
        sfu.close();
        await webhooks.close();
        await appWebhooks.close();
        redis?.disconnect();
      })()),
  };
}

interface EgressWiring {
  log: EgressLog;
  /** The HTTP port once listening (the web layout's pages are served by this server). */
  listeningPort: () => number;
  /** What `media_stream.started` tells apps to dial. */
  signalingUrl: () => string;
  auth: Auth;
}

/** The egress's settings, from the configuration and what the server knows only once it runs. */
function egressOptions(config: Config, wiring: EgressWiring): EgressServiceOptions {
  return {
    rtpPorts: config.egress.rtpPorts,
    maxDestinationsPerRoom: config.egress.maxDestinationsPerRoom,
    maxDestinationsPerServer: config.egress.maxDestinations,
    maxComposites: config.egress.maxComposites,
    maxTiles: config.egress.maxTiles,
    maxDecodersPerComposite: config.egress.maxDecodersPerComposite,
    background: config.egress.background,
    x264: config.egress.x264,
    placeholderColor: '#344054',
    hlsDir: config.egress.hlsDir,
    recordingsDir: config.egress.recordingsDir,
    recordingsS3: config.egress.recordingsS3,
    publicUrl: config.publicUrl,
    signUrl: config.hlsSigning && urlSigner(config.hlsSigning),
    webLayout: webLayoutSettings(config.webLayout, () => localOrigin(config.host, wiring.listeningPort()), wiring.auth),
    mediaStreams: {
      recognizer: createRecognizer(config.mediaStreams.transcripts),
      signalingUrl: wiring.signalingUrl,
      maxPerRoom: config.mediaStreams.maxPerRoom,
      reconnectGraceMs: config.mediaStreams.reconnectGraceMs,
      connectTimeoutMs: config.mediaStreams.connectTimeoutMs,
    },
    relay: {
      maxRetries: config.egress.retryLimit,
      retryBaseMs: config.egress.retryBaseMs,
      stallBytes: 8 * 1024 * 1024,
      ioTimeoutMs: config.egress.ioTimeoutMs,
      tls: config.egress.rtmpsTls,
      destinations: new DestinationPolicy({ ...config.egress.destinations, log: wiring.log }),
      log: wiring.log,
    },
  };
}

function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

import { existsSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import { AppError } from '@roomcast/protocol';
import type { EgressService } from '@roomcast/egress';
import type { Sfu } from '@roomcast/sfu';
import type { Auth } from './auth.js';
import type { Config } from './config.js';
import { errorBody, isServerError, logServerError, toAppError } from './errors.js';
import { loggerOptions } from './logger.js';
import { unhandledRejections } from './crashGuards.js';
import { answerClientError, answerFrameworkError, rateLimitKey } from './httpErrors.js';
import { createMetrics } from './metrics.js';
import { broadcastRoutes } from './routes/broadcasts.js';
import { demoTokenRoutes } from './routes/demoTokens.js';
import { healthRoutes } from './routes/health.js';
import { hlsRoutes } from './routes/hls.js';
import { liveStreamRoutes } from './routes/liveStreams.js';
import { mediaStreamRoutes } from './routes/mediaStreams.js';
import { registerRtms } from './rtms/route.js';
import { mediaDroppedFrames } from './rtms/rtmsMetrics.js';
import { recordingFileRoutes, recordingRoutes } from './routes/recordings.js';
import { roomRoutes } from './routes/rooms.js';
import type { RoomTypes } from './roomTypes/RoomTypes.js';
import { watchRoutes } from './routes/watch.js';
import { registerSignaling } from './signaling/route.js';

export interface AppDeps {
  config: Config;
  sfu: Sfu;
  auth: Auth;
  egress: EgressService;
  /** ROOM_TYPES_FILE's types: settings of new rooms, PATCH of a room's. */
  roomTypes: RoomTypes;
  /** Where log lines go (stdout by default); tests capture them to check what is logged. */
  logStream?: { write(line: string): void };
}

const MAX_SIGNALING_MESSAGE_BYTES = 256 * 1024;

export async function buildApp({ config, sfu, auth, egress, roomTypes, logStream }: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config, logStream),
    bodyLimit: 64 * 1024,
    trustProxy: false,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerFrameworkError,
    // Nothing here depends on Host; without this Node answers a Host-less HTTP/1.1 request with an empty 400.
    http: { requireHostHeader: false },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  acceptEmptyJsonBodies(app);

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Roomcast API', version: '0.1.0', description: 'Self-hosted video rooms with integrated egress.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(fastifyRateLimit, {
    max: config.rateLimitMax,
    timeWindow: '1 minute',
    keyGenerator: rateLimitKey,
    // Thrown, then shaped by the one error handler like every other error.
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `rate limit exceeded, retry in ${Math.ceil(context.ttl / 1000)} s`),
  });
  await app.register(fastifyWebsocket, {
    options: { maxPayload: MAX_SIGNALING_MESSAGE_BYTES },
    // A client that breaks the framing rules (oversized message, bad frame) is its own problem, not a server error.
    errorHandler: (error, socket, request) => {
      request.log.warn({ code: (error as { code?: string }).code }, `signaling socket error: ${error.message}`);
      socket.terminate();
    },
  });

  const metrics = createMetrics(sfu, egress);
  metrics.registerMetric(unhandledRejections);
  metrics.registerMetric(mediaDroppedFrames);
  await app.register(healthRoutes(sfu, metrics));
  await app.register(roomRoutes({ sfu, auth, roomTypes }));
  await app.register(broadcastRoutes(egress, auth));
  await app.register(liveStreamRoutes(egress, auth));
  // Playback: no credentials (the live stream's random id is the capability).
  await app.register(hlsRoutes(egress, config.hlsSigning));
  await app.register(recordingRoutes(egress, auth));
  await app.register(mediaStreamRoutes(egress.mediaStreams, config.mediaStreams.apps, auth));
  // Apps' sockets: no credentials at the upgrade, the first message is a handshake signed with the app's secret.
  registerRtms(app, {
    streams: egress.mediaStreams,
    apps: config.mediaStreams.apps,
    keepAliveMs: config.mediaStreams.keepAliveMs,
    publicUrl: config.publicUrl,
  });
  // Recording files: the same rule (the recording's random id is the capability).
  await app.register(recordingFileRoutes(egress, config.hlsSigning));
  // Dev mode only: with real credentials the route does not exist (404), so nobody mints tokens.
  if (config.devMode) await app.register(demoTokenRoutes({ sfu, auth, demo: config.demo }));
  registerSignaling(app, {
    sfu,
    auth,
    egress,
    roomAutoCreate: config.roomAutoCreate,
    mediaStreams: { streams: egress.mediaStreams, apps: config.mediaStreams.apps, participantRequests: config.mediaStreams.participantRequests },
    pingIntervalMs: config.wsPingIntervalMs,
    messageRate: config.signalingRate,
  });
  await registerDemo(app, config.demoDir);
  // The audience page of a live stream (the demo's second page): no credentials, like /hls.
  await app.register(watchRoutes(config.demoDir));
  return app;
}

function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (isServerError(appError)) logServerError(request.log, appError, error, 'request failed');
    else request.log.info({ code: appError.code }, appError.message);
    void reply.code(appError.status).send(errorBody(appError));
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send(errorBody(new AppError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)));
  });
}

/**
 * Clients (and fetch wrappers) often send `content-type: application/json` with no body on a
 * DELETE or a body-less POST; fastify's parser would call that invalid JSON. Treat it as no body.
 */
function acceptEmptyJsonBodies(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new AppError('invalid_body', 'body is not valid JSON'), undefined);
    }
  });
}

/** The demo app's static build, served at `/` when it has been built. */
async function registerDemo(app: FastifyInstance, demoDir: string): Promise<void> {
  if (!existsSync(demoDir)) {
    app.log.warn({ demoDir }, 'demo app not built: `/` will 404 (run scripts/setup.sh)');
    return;
  }
  await app.register(fastifyStatic, { root: demoDir, prefix: '/', index: 'index.html' });
}

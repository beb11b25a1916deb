import Fastify, { type FastifyInstance } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import fastifyWebsocket from '@fastify/websocket';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '@roomcast/protocol';
import type { Config } from './config.js';
import { errorBody, isServerError, logServerError, toAppError } from './errors.js';
import { answerClientError, answerFrameworkError, rateLimitKey } from './httpErrors.js';
import { loggerOptions } from './logger.js';

const MAX_SIGNALING_MESSAGE_BYTES = 256 * 1024;

export interface BaseAppOptions {
  config: Config;
  /** Where log lines go (stdout by default); tests capture them to check what is logged. */
  logStream?: { write(line: string): void };
  /**
   * The server clients talk to: API docs and per-client rate limits. An egress process behind its
   * SFU has neither (every request it gets comes from the SFU, which already limited it).
   */
  facing: 'public' | 'internal';
}

/** Fastify as every Roomcast process serves HTTP: zod schemas, one error shape, WebSockets. */
export async function createBaseApp({ config, logStream, facing }: BaseAppOptions): Promise<FastifyInstance> {
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

  if (facing === 'public') {
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
  }
  await app.register(fastifyWebsocket, {
    options: { maxPayload: MAX_SIGNALING_MESSAGE_BYTES },
    // A client that breaks the framing rules (oversized message, bad frame) is its own problem, not a server error.
    errorHandler: (error, socket, request) => {
      request.log.warn({ code: (error as { code?: string }).code }, `socket error: ${error.message}`);
      socket.terminate();
    },
  });
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

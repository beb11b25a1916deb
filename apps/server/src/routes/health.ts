import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { AppError, HealthResponseSchema } from '@roomcast/protocol';
import type { Sfu } from '@roomcast/sfu';

/** Liveness and Prometheus metrics. Unauthenticated, as scrapers and probes expect. */
export function healthRoutes(sfu: Sfu, metrics: Registry): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/healthz', {
      schema: { tags: ['ops'], summary: 'Liveness', response: { 200: HealthResponseSchema } },
    }, async () => {
      const workers = sfu.pool.workers.length;
      if (workers === 0) throw new AppError('service_unavailable', 'no live mediasoup worker');
      return { status: 'ok' as const, workers };
    });

    app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
      reply.type(metrics.contentType);
      return metrics.metrics();
    });
  };
}

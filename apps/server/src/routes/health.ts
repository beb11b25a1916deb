import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Registry } from 'prom-client';
import { AppError, HealthResponseSchema } from '@roomcast/protocol';
import type { Sfu } from '@roomcast/sfu';
import type { ClusterStatus } from '../cluster/ClusterStatus.js';

/**
 * Liveness and Prometheus metrics. Unauthenticated, as scrapers and probes expect. Redis being away
 * (`cluster: 'down'`) keeps the 200: the node still serves the rooms and outputs it has.
 */
export function healthRoutes(sfu: Sfu, metrics: Registry, cluster: ClusterStatus, egressMetrics?: () => Promise<string>): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/healthz', {
      schema: { tags: ['ops'], summary: 'Liveness', response: { 200: HealthResponseSchema } },
    }, async () => {
      const workers = sfu.pool.workers.length;
      if (workers === 0) throw new AppError('service_unavailable', 'no live mediasoup worker');
      return { status: 'ok' as const, workers, role: cluster.role, cluster: cluster.state };
    });

    app.get('/metrics', { schema: { tags: ['ops'], summary: 'Prometheus metrics' } }, async (_request, reply) => {
      reply.type(metrics.contentType);
      // An egress process's metrics follow the SFU's (their names never clash); a process that is down adds none.
      const own = await metrics.metrics();
      const egress = egressMetrics ? await egressMetrics().catch(() => '') : '';
      return egress ? `${own}\n${egress}` : own;
    });
  };
}

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AppError, LiveStreamIdSchema } from '@roomcast/protocol';

/**
 * The audience page of a live stream, `GET /watch/:id`: the demo's watch page (built to
 * `<demoDir>/watch/index.html`; its asset URLs are relative, `../assets/`). No credentials: the
 * random id is the capability, and the page itself only plays `/hls/:id/`. A malformed id is a
 * 404, as is a missing build. Whether the stream exists the page finds out from the playlist, so
 * this route tells nobody which ids exist.
 */
export function watchRoutes(demoDir: string) {
  const page = join(demoDir, 'watch', 'index.html');
  return async (app: FastifyInstance): Promise<void> => {
    app.get<{ Params: { id: string } }>('/watch/:id', async (request, reply) => {
      if (!LiveStreamIdSchema.safeParse(request.params.id).success) throw new AppError('not_found', 'no such live stream');
      const html = await readFile(page).catch(() => undefined);
      if (!html) throw new AppError('not_found', 'the demo app is not built');
      return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
    });
  };
}

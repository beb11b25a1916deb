import { readFile } from 'node:fs/promises';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ASSET_MAX_BYTES, AppError, AssetInfoSchema, AssetParamsSchema, ErrorBodySchema, NoContentSchema } from '@roomcast/protocol';
import type { AssetStore } from '@roomcast/egress';
import { z } from 'zod';
import type { Auth } from '../auth.js';
import { ADMIN_ERRORS, ADMIN_SECURITY } from './adminRoutes.js';
import { AssetUploadTickets } from './assetUploadTickets.js';

const AssetResponseSchema = z.object({ asset: AssetInfoSchema });
const UPLOAD_ERRORS = { ...ADMIN_ERRORS, 413: ErrorBodySchema, 415: ErrorBodySchema };

/**
 * Uploaded images (layout logos): `POST /v1/assets` with the bytes, `GET` them back, `DELETE`.
 * Management auth, except that a POST may instead carry a moderator's upload ticket (signaling
 * `createLogoUpload`). A layout names one as `logo: {asset: id}`; the compositor reads it from disk.
 */
export function assetRoutes(assets: AssetStore, auth: Auth, tickets: AssetUploadTickets): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', async (request) => authorize(request, auth, tickets));
    // Only here (this plugin's scope): image bodies as bytes, up to the asset limit (over it: 413 before reading on).
    app.addContentTypeParser(/^image\//i, { parseAs: 'buffer', bodyLimit: ASSET_MAX_BYTES }, (_request, body, done) => done(null, body));

    app.post('/v1/assets', {
      bodyLimit: ASSET_MAX_BYTES,
      schema: {
        tags: ['assets'], security: ADMIN_SECURITY,
        summary: 'Upload an image (PNG, JPEG or WebP, at most 2 MB; the body is the bytes) for a layout logo as {asset: id}',
        response: { 201: AssetResponseSchema, ...UPLOAD_ERRORS },
      },
    }, async (request, reply) => {
      if (!Buffer.isBuffer(request.body)) throw new AppError('unsupported_media', 'an asset must be image/png, image/jpeg or image/webp');
      const asset = await assets.put(request.headers['content-type'], request.body);
      return reply.code(201).send({ asset });
    });

    app.get('/v1/assets/:id', {
      // No response schema: the answer is the image's bytes (errors are the usual JSON).
      schema: { tags: ['assets'], security: ADMIN_SECURITY, summary: 'The image bytes of an asset', params: AssetParamsSchema },
    }, async (request, reply) => {
      const asset = await assets.get(request.params.id);
      // A DELETE may remove the file between get() and here: a 404 too.
      const data = asset && (await readFile(asset.path).catch(() => undefined));
      if (!asset || !data) throw new AppError('not_found', `no asset ${request.params.id}`);
      return reply.type(asset.info.content_type).header('cache-control', 'private, max-age=3600').send(data);
    });

    app.delete('/v1/assets/:id', {
      schema: {
        tags: ['assets'], security: ADMIN_SECURITY, summary: 'Delete an asset (a running composite keeps showing the logo it already loaded)',
        params: AssetParamsSchema, response: { 204: NoContentSchema, ...ADMIN_ERRORS },
      },
    }, async (request, reply) => {
      if (!(await assets.delete(request.params.id))) throw new AppError('not_found', `no asset ${request.params.id}`);
      return reply.code(204).send(null);
    });
  };
}

/** A management token, or (POST /v1/assets only) an unused upload ticket. */
async function authorize(request: FastifyRequest, auth: Auth, tickets: AssetUploadTickets): Promise<void> {
  const token = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (token && AssetUploadTickets.isTicket(token)) {
    if (request.method !== 'POST') throw new AppError('forbidden', 'an upload ticket only uploads');
    const { room, identity } = await tickets.redeem(token);
    request.log.info({ room, identity }, 'asset upload by a moderator');
    return;
  }
  await auth.verifyAdmin(request.headers.authorization);
}

import { readFile, stat } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError, NoContentSchema, RecordingInfoSchema, RecordingListResponseSchema, RecordingParamsSchema } from '@roomcast/protocol';
import type { EgressService } from '@roomcast/egress';
import type { Auth } from '../auth.js';
import { ADMIN_ERRORS, ADMIN_SECURITY, requireAdmin } from './adminRoutes.js';
import { mediaContentType } from './hlsRequest.js';
import { openMediaRoutes, PLAYER_ROUTE, PLAYLIST_TYPE, sendFile } from './mediaFiles.js';
import { playlistAsServed, requireSignedUrls } from './signedMedia.js';
import type { UrlSigning } from './urlSigning.js';

/** Recordings of live streams: list, look up and delete (admin). Their files are in recordingFileRoutes. */
export function recordingRoutes(egress: EgressService, auth: Auth): FastifyPluginAsyncZod {
  const recordings = egress.recordings;
  return async (app) => {
    requireAdmin(app, auth);

    app.get('/v1/recordings', {
      schema: {
        tags: ['recordings'], security: ADMIN_SECURITY, summary: 'Every recording on this server, oldest first (those of earlier runs included)',
        response: { 200: RecordingListResponseSchema, ...ADMIN_ERRORS },
      },
    }, async () => ({ recordings: recordings.list() }));

    app.get('/v1/recordings/:id', {
      schema: {
        tags: ['recordings'], security: ADMIN_SECURITY, summary: 'A recording: status, assets (listed once complete)',
        params: RecordingParamsSchema, response: { 200: RecordingInfoSchema, ...ADMIN_ERRORS },
      },
    }, async (request) => recordings.get(request.params.id));

    app.delete('/v1/recordings/:id', {
      schema: {
        tags: ['recordings'], security: ADMIN_SECURITY, summary: 'Delete a recording and its files (409 while its live stream still records)',
        params: RecordingParamsSchema, response: { 204: NoContentSchema, ...ADMIN_ERRORS },
      },
    }, async (request, reply) => {
      await recordings.delete(request.params.id);
      return reply.code(204).send(null);
    });
  };
}

/**
 * A recording's asset files under `/recordings/:id/` (master.m3u8, <rendition>/…, recording.mp4),
 * with the rules of HLS playback: no credentials (the random id is the capability; with
 * HLS_SIGNED_URLS a signature of it too), CORS `*`.
 */
export function recordingFileRoutes(egress: EgressService, signing?: UrlSigning) {
  return async (app: FastifyInstance): Promise<void> => {
    openMediaRoutes(app, '/recordings');
    requireSignedUrls(app, signing, 'recordings');

    app.get<{ Params: { id: string; '*': string } }>('/recordings/:id/*', PLAYER_ROUTE, async (request, reply) => {
      const path = egress.recordings.file(request.params.id, request.params['*']);
      // A DELETE may remove the file between file() and here: a 404 too.
      const size = path === undefined ? undefined : (await stat(path).catch(() => undefined))?.size;
      if (path === undefined || size === undefined) throw new AppError('not_found', 'no such recording or file');
      const type = mediaContentType(path);
      if (signing && type === PLAYLIST_TYPE) {
        // Its URIs must carry the signature: rewritten, so served whole (a playlist is small).
        const playlist = await readFile(path, 'utf8').catch(() => undefined);
        if (playlist === undefined) throw new AppError('not_found', 'no such recording or file');
        return reply.type(type).send(playlistAsServed(request, playlist));
      }
      // An ended recording's playlists never change either, but a deleted one must not live on in caches.
      return sendFile(request, reply, path, size, type, type !== PLAYLIST_TYPE);
    });
  };
}

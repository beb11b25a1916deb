import { readFile } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '@roomcast/protocol';
import type { EgressService, LivePlayback } from '@roomcast/egress';
import { blockingReload, checkReloadWithinReach, mediaContentType, targetDurationS } from './hlsRequest.js';
import { openMediaRoutes, PLAYER_ROUTE, PLAYLIST_TYPE, sendImmutable } from './mediaFiles.js';
import { playlistAsServed, requireSignedUrls } from './signedMedia.js';
import type { UrlSigning } from './urlSigning.js';

/** How long a player's first request may wait for the first part of a live stream that is starting. */
const FIRST_PART_WAIT_MS = 6000;
/** A preload-hinted part comes within a part duration; a segment being filled within a segment's. */
const FILE_WAIT_MS = 3000;

/**
 * HLS playback of live streams under `/hls/:id/`: the master playlist, each rendition's media
 * playlist (with LL-HLS blocking reloads) and its files. No credentials: the random id is the
 * capability, and with HLS_SIGNED_URLS a signature of it too (`signing`). Any origin may play
 * (CORS `*`); playlists are never cached, media never changes.
 */
export function hlsRoutes(egress: EgressService, signing?: UrlSigning) {
  return async (app: FastifyInstance): Promise<void> => {
    openMediaRoutes(app, '/hls');
    requireSignedUrls(app, signing, 'hls');

    app.get<{ Params: { id: string } }>('/hls/:id/master.m3u8', PLAYER_ROUTE, async (request, reply) => {
      const playback = playbackOf(egress, request.params.id);
      const master = (await playback.ready(FIRST_PART_WAIT_MS)) ? playback.master() : undefined;
      if (master === undefined) throw new AppError('not_found', 'this live stream has no media yet');
      return reply.type(PLAYLIST_TYPE).send(playlistAsServed(request, master));
    });

    app.get<{ Params: { id: string; rendition: string; file: string } }>('/hls/:id/:rendition/:file', PLAYER_ROUTE, async (request, reply) => {
      const { id, rendition: name, file } = request.params;
      const playback = playbackOf(egress, id);
      if (file === 'index.m3u8') return mediaPlaylist(playback, name, request, reply);
      // A preload-hinted part is asked for before it exists: hold the request until it is written.
      const path = await playback.rendition(name)?.waitForFile(file, FILE_WAIT_MS);
      if (!path) throw notFound();
      // Outside the live window a file goes between file() and here: that is a 404 too.
      const bytes = await readFile(path).catch(() => undefined);
      if (!bytes) throw notFound();
      return sendImmutable(reply, mediaContentType(file), bytes);
    });
  };
}

/** The media playlist now, or (blocking reload) once the asked-for part exists or three target durations passed. */
async function mediaPlaylist(playback: LivePlayback, name: string, request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const rendition = playback.rendition(name);
  if (!rendition) throw notFound();
  const reload = blockingReload(request.query as Record<string, unknown>);
  if (!(await playback.ready(FIRST_PART_WAIT_MS))) throw new AppError('not_found', 'this live stream has no media yet');
  if (reload) {
    checkReloadWithinReach(reload, rendition.edge()?.msn ?? 0);
    // On a timeout (or a stop) the playlist as it is answers: never a 503 (the spec allows one; players dislike it).
    await rendition.waitFor(reload.msn, reload.part, 3 * targetDurationS(rendition.playlist()) * 1000);
  }
  return reply.type(PLAYLIST_TYPE).send(playlistAsServed(request, rendition.playlist()));
}

function playbackOf(egress: EgressService, id: string): LivePlayback {
  const playback = egress.liveStreams.playback(id);
  if (!playback) throw notFound();
  return playback;
}

function notFound(): AppError {
  return new AppError('not_found', 'no such live stream or file');
}

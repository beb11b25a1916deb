import type { FastifyInstance, FastifyRequest } from 'fastify';
import { signatureQuery, signPlaylist, type UrlSigning, verifySignature } from './urlSigning.js';

/** The signature each request was let in with, to carry into the playlists it is answered with. */
const admitted = new WeakMap<FastifyRequest, string>();

/**
 * With HLS_SIGNED_URLS, every request under `/<kind>/:id/` needs a valid, unexpired signature of
 * that directory (403 `forbidden` otherwise, before anything is looked up, so an id's existence
 * is not told either). The CORS preflight carries no secret and needs none.
 */
export function requireSignedUrls(app: FastifyInstance, signing: UrlSigning | undefined, kind: 'hls' | 'recordings'): void {
  if (!signing) return;
  app.addHook('onRequest', async (request) => {
    if (request.method === 'OPTIONS') return;
    const id = (request.params as { id?: unknown }).id;
    const prefix = `/${kind}/${typeof id === 'string' ? id : ''}/`;
    const signature = verifySignature(signing.secret, prefix, request.query as Record<string, unknown>, Math.floor(Date.now() / 1000));
    admitted.set(request, signatureQuery(signature));
  });
}

/** A playlist as this request gets it: its URIs carry the request's signature (players resolve them relative to it). */
export function playlistAsServed(request: FastifyRequest, playlist: string): string {
  const query = admitted.get(request);
  return query === undefined ? playlist : signPlaylist(playlist, query);
}

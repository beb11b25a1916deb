import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/*
 * What HLS playback (/hls/:id) and recording files (/recordings/:id) answer alike: no credentials
 * (the random id is the capability), any origin (CORS `*`), playlists never cached, media immutable.
 */

export const PLAYLIST_TYPE = 'application/vnd.apple.mpegurl';
export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Players fetch a part or playlist about three times a second each: no rate limit (the id is
 * unguessable, and every answer is cheap), and access logs only for problems.
 */
export const PLAYER_ROUTE = { config: { rateLimit: false }, logLevel: 'warn' } as const;

/** CORS and no-cache on every answer of the plugin (errors included), and the CORS preflight under `prefix`. */
export function openMediaRoutes(app: FastifyInstance, prefix: string): void {
  app.addHook('onRequest', async (_request, reply) => {
    void reply.header('access-control-allow-origin', '*').header('cache-control', 'no-cache');
  });
  app.options(`${prefix}/*`, PLAYER_ROUTE, async (_request, reply) =>
    reply.code(204).header('access-control-allow-methods', 'GET, HEAD, OPTIONS').header('access-control-max-age', '86400').send());
}

/** Media that never changes: cached for good by players and CDNs. */
export function sendImmutable(reply: FastifyReply, type: string, body: Buffer | NodeJS.ReadableStream): FastifyReply {
  return reply.type(type).header('cache-control', IMMUTABLE).send(body);
}

/** One byte range of a file of `size` bytes (RFC 9110 §14.1.2), inclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The range a `Range` header asks for: undefined for the whole file (no header, or one this does not
 * serve, such as several ranges: the whole file is a correct answer to those), 'unsatisfiable' for a
 * range past the end (416).
 */
export function byteRange(header: string | undefined, size: number): ByteRange | 'unsatisfiable' | undefined {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return undefined;
  if (match[1] === '') {
    // A suffix: the last N bytes.
    const length = Math.min(Number(match[2]), size);
    return length === 0 ? 'unsatisfiable' : { start: size - length, end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  return start > end ? undefined : { start, end };
}

/**
 * A file answered whole or, for a `Range` request (a player seeking in an MP4), in part (206).
 * Media is immutable; playlists `no-cache` (the plugin's default).
 */
export function sendFile(request: FastifyRequest, reply: FastifyReply, path: string, size: number, type: string, immutable: boolean): FastifyReply {
  void reply.type(type).header('accept-ranges', 'bytes');
  if (immutable) void reply.header('cache-control', IMMUTABLE);
  const range = byteRange(request.headers.range, size);
  if (range === 'unsatisfiable') return reply.code(416).header('content-range', `bytes */${size}`).send();
  if (!range) return reply.header('content-length', size).send(createReadStream(path));
  return reply
    .code(206)
    .header('content-range', `bytes ${range.start}-${range.end}/${size}`)
    .header('content-length', range.end - range.start + 1)
    .send(createReadStream(path, { start: range.start, end: range.end }));
}

import Fastify from 'fastify';
import fastifyWebsocket from '@fastify/websocket';
import type { AppLike } from '../ports.js';
import { mediaStreamSignature } from '../handshake.js';
import { registerRtms, type RtmsDeps } from '../route.js';
import { FakeStream, appLookup, streamLookup } from './FakeStream.js';

export const NOTES_APP: AppLike = { id: 'notes', client_id: 'notes-client', client_secret: 'notes-secret-0123456789' };
export const OTHER_APP: AppLike = { id: 'other', client_id: 'other-client', client_secret: 'other-secret-0123456789' };

export interface RtmsTestApp {
  /** ws://127.0.0.1:<port> */
  wsUrl: string;
  close(): Promise<void>;
}

/** Fastify with @fastify/websocket (as app.ts registers it) and only the RTMS routes, on loopback. */
export async function startRtmsTestApp(
  streams: FakeStream[],
  options: Omit<RtmsDeps, 'streams' | 'apps'> & { maxPayload?: number } = {},
): Promise<RtmsTestApp> {
  const app = Fastify({ logger: false });
  await app.register(fastifyWebsocket, {
    options: { maxPayload: options.maxPayload ?? 64 * 1024 },
    errorHandler: (_error, socket) => socket.terminate(),
  });
  registerRtms(app, { ...options, streams: streamLookup(streams), apps: appLookup([NOTES_APP, OTHER_APP]) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { wsUrl: `ws://127.0.0.1:${address.port}`, close: () => app.close() };
}

/** The handshake fields an app sends for `stream`, signed with `app`'s secret. */
export function signedFields(stream: { id: string; roomName: string }, app: AppLike = NOTES_APP) {
  return { room_id: stream.roomName, stream_id: stream.id, signature: mediaStreamSignature(app, stream.roomName, stream.id) };
}

import { AppError, type StartRtmpBroadcastsBody } from '@roomcast/protocol';
import type { RtmpRelay } from './RtmpRelay.js';

export interface BroadcastLimits {
  maxDestinationsPerRoom: number;
  maxDestinationsPerServer: number;
}

/** What a new broadcast request is checked against: the room's composite (if any) and the server's relays. */
export interface BroadcastContext {
  roomName: string;
  /** The relays of the room's running composite, and its quality. */
  running?: { relays: Iterable<RtmpRelay>; quality: string };
  /** Relays of every composite on this server. */
  relaysOnServer: number;
}

/**
 * Refuses a start of RTMP broadcasts before anything starts: a name used twice (in the request or
 * by a destination still going), a quality change on a running composite, and the per-room and
 * per-server destination limits. Failed and stopped destinations do not count.
 */
export function checkBroadcastRequest(body: StartRtmpBroadcastsBody, context: BroadcastContext, limits: BroadcastLimits): void {
  const names = body.broadcasts.map((b) => b.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new AppError('conflict', `broadcast name "${duplicate}" is used twice in this request`);
  const { running, roomName } = context;
  const live = [...(running?.relays ?? [])].filter((r) => r.status !== 'failed' && r.status !== 'stopped');
  const taken = names.find((n) => live.some((r) => r.name === n));
  if (taken) throw new AppError('conflict', `a broadcast named "${taken}" already exists in room ${roomName}`);
  if (running && body.quality && body.quality !== running.quality) {
    throw new AppError('conflict', `room ${roomName} is already broadcasting at ${running.quality}; stop it first to change quality`);
  }
  if (live.length + names.length > limits.maxDestinationsPerRoom) {
    throw new AppError('limit_exceeded', `at most ${limits.maxDestinationsPerRoom} destinations per room`);
  }
  if (context.relaysOnServer + names.length > limits.maxDestinationsPerServer) {
    throw new AppError('limit_exceeded', `this server sends at most ${limits.maxDestinationsPerServer} broadcasts at once`);
  }
}

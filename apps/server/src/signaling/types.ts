import type { z } from 'zod';
import type { Method, Requests, ResponseData } from '@roomcast/protocol';
import type { Participant, Room } from '@roomcast/sfu';

export interface SessionContext {
  room: Room;
  participant: Participant;
}

/** A signaling handler receives its request's already validated `data`. */
export type Handler<M extends Method> = (
  ctx: SessionContext,
  data: z.infer<(typeof Requests)[M]['request']>,
) => Promise<ResponseData<M>> | ResponseData<M>;

export type HandlerTable = { [M in Method]: Handler<M> };

/** Requests a participant may send before `join`: what a client needs to set up its device and transports. */
export const PRE_JOIN_METHODS: ReadonlySet<Method> = new Set(['getRouterRtpCapabilities', 'createTransport', 'connectTransport', 'join']);

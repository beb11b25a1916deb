import type { EgressState, NotificationData, NotificationMethod } from '@roomcast/protocol';
import type { DisconnectReason } from './events.js';
import type { Connection } from './MediaSession.js';
import type { Publisher } from './Publisher.js';
import type { SignalNotification } from './SignalClient.js';
import type { Subscriptions } from './Subscriptions.js';

/** What notification handlers act on: the parts of a Room, without the Room's public surface. */
export interface NotificationTarget {
  readonly subscriptions: Subscriptions;
  readonly publisher: Publisher;
  setActiveSpeaker(participantId: string | null): void;
  setEgress(egress: EgressState): void;
  emitRoomEvent(type: string, data: Record<string, unknown>): void;
  /** A participant asks a moderator to stream the room to an app (moderators only receive it). */
  mediaStreamRequested(request: NotificationData<'mediaStreamRequested'>): void;
  /** A moderator answered a request (sent to the participant who asked and to moderators). */
  mediaStreamRequestAnswered(answer: NotificationData<'mediaStreamRequestAnswered'>): void;
}

/** Notifications that end the connection (the server closes the socket right after them). */
type TerminalMethod = 'roomClosed' | 'replaced';
type MediaMethod = Exclude<NotificationMethod, TerminalMethod>;

type Handler<M extends MediaMethod> = (
  target: NotificationTarget,
  conn: Connection,
  data: NotificationData<M>,
) => void | Promise<void>;

/** One handler per server notification, so a new notification is one new line here. */
const HANDLERS: { [M in MediaMethod]: Handler<M> } = {
  participantJoined: (t, _c, { participant }) => t.subscriptions.upsert(participant),
  participantUpdated: (t, _c, { participant }) => t.subscriptions.upsert(participant),
  participantLeft: (t, _c, { participantId }) => t.subscriptions.remove(participantId),
  newConsumer: (t, conn, consumer) => t.subscriptions.subscribe(conn, consumer),
  consumerClosed: (t, _c, { consumerId }) => t.subscriptions.unsubscribe(consumerId),
  consumerPaused: (t, _c, { consumerId }) => t.subscriptions.setMuted(consumerId, true),
  consumerResumed: (t, _c, { consumerId }) => t.subscriptions.setMuted(consumerId, false),
  producerClosed: (t, _c, { producerId }) => t.publisher.closedByServer(producerId),
  activeSpeaker: (t, _c, { participantId }) => t.setActiveSpeaker(participantId),
  egressUpdated: (t, _c, { egress }) => t.setEgress(egress),
  roomEvent: (t, _c, { type, data }) => t.emitRoomEvent(type, data),
  mediaStreamRequested: (t, _c, request) => t.mediaStreamRequested(request),
  mediaStreamRequestAnswered: (t, _c, answer) => t.mediaStreamRequestAnswered(answer),
};

/**
 * Why the room ends, if this notification ends it. The caller acts on it the moment it arrives,
 * not queued behind media work, so the socket close that follows is never taken for a network drop.
 */
export function terminalReason(notification: SignalNotification): [DisconnectReason, string] | undefined {
  if (notification.method === 'roomClosed') {
    return ['room_closed', `${notification.data.reason}: ${notification.data.message}`];
  }
  if (notification.method === 'replaced') return ['replaced', 'another connection joined with your identity'];
  return undefined;
}

/** Runs the handler of a non-terminal notification (terminal ones are ignored here). */
export function handleNotification(
  target: NotificationTarget,
  conn: Connection,
  notification: SignalNotification,
): void | Promise<void> {
  if (terminalReason(notification)) return;
  const handler = HANDLERS[notification.method as MediaMethod] as Handler<MediaMethod>;
  return handler(target, conn, notification.data as NotificationData<MediaMethod>);
}

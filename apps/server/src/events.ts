import type { EgressService } from '@roomcast/egress';
import type { EgressState, WebhookEventType } from '@roomcast/protocol';
import type { Participant, Sfu } from '@roomcast/sfu';
import type { WebhookSender } from './webhooks/WebhookSender.js';

/** What the egress tells a room's participants (the SDK's egress state and toasts), wherever the egress runs. */
export interface EgressNotifier {
  state(roomName: string, state: EgressState): void;
  event(roomName: string, type: WebhookEventType, data: Record<string, unknown>): void;
}

/** The egress names rooms by name; their participants are the SFU's. */
export function egressNotifier(sfu: Sfu): EgressNotifier {
  const notifyRoom = (roomName: string, send: (participant: Participant) => void): void => {
    for (const participant of sfu.rooms.get(roomName)?.participants.values() ?? []) if (participant.joined) send(participant);
  };
  return {
    state: (roomName, state) => notifyRoom(roomName, (p) => p.notify('egressUpdated', { egress: state })),
    event: (roomName, type, data) => notifyRoom(roomName, (p) => p.notify('roomEvent', { type, data })),
  };
}

/** Webhooks of the rooms' lifecycle: sent by the SFU that hosts them. */
export function wireRoomWebhooks(sfu: Sfu, webhooks: WebhookSender): void {
  sfu.on('roomCreated', (room) => {
    webhooks.send('room.started', room.name, { room: room.name });
    room.on('participantJoined', (p) => webhooks.send('participant.joined', room.name, { participant: p.info() }));
    room.on('participantLeft', (p) => webhooks.send('participant.left', room.name, { participant: { id: p.id, identity: p.identity, name: p.name } }));
  });
  sfu.on('roomClosed', (room, reason) => webhooks.send('room.ended', room.name, { room: room.name, reason }));
}

/** Webhooks of the egress's outputs: sent by whichever process runs the egress. */
export function wireEgressWebhooks(egress: EgressService, webhooks: WebhookSender): void {
  // Its room is gone (a crash ended it): webhooks only.
  egress.on('recordingRecovered', (recording) => webhooks.send('recording.ready', recording.room, { recording }));
  egress.on('liveStreamRecovered', (liveStream) => webhooks.send('live_stream.stopped', liveStream.room, { live_stream: liveStream }));
  egress.on('event', (room, type, data) => webhooks.send(type, room.name, data));
}

/**
 * Carries what happens in rooms and their egress to the outside (one process): webhooks for every
 * lifecycle event, and to the room's own participants the egress state and events.
 */
export function wireEvents(sfu: Sfu, egress: EgressService, webhooks: WebhookSender): void {
  wireRoomWebhooks(sfu, webhooks);
  wireEgressWebhooks(egress, webhooks);
  const notify = egressNotifier(sfu);
  egress.on('state', (room, state) => notify.state(room.name, state));
  egress.on('event', (room, type, data) => notify.event(room.name, type, data));
}

import type { EgressService } from '@roomcast/egress';
import type { Participant, Room, Sfu } from '@roomcast/sfu';
import type { WebhookSender } from './webhooks/WebhookSender.js';

function notifyRoom(room: Room, send: (participant: Participant) => void): void {
  for (const participant of room.participants.values()) if (participant.joined) send(participant);
}

/**
 * Carries what happens in rooms and their egress to the outside: webhooks for every lifecycle
 * event, and to the room's own participants the egress state and events (for the SDK's toasts).
 */
export function wireEvents(sfu: Sfu, egress: EgressService, webhooks: WebhookSender): void {
  sfu.on('roomCreated', (room) => {
    webhooks.send('room.started', room.name, { room: room.name });
    room.on('participantJoined', (p) => webhooks.send('participant.joined', room.name, { participant: p.info() }));
    room.on('participantLeft', (p) => webhooks.send('participant.left', room.name, { participant: { id: p.id, identity: p.identity, name: p.name } }));
  });
  sfu.on('roomClosed', (room, reason) => webhooks.send('room.ended', room.name, { room: room.name, reason }));
  egress.on('state', (room, state) => notifyRoom(room, (p) => p.notify('egressUpdated', { egress: state })));
  // Its room is gone (a crash ended it): webhooks only.
  egress.on('recordingRecovered', (recording) => webhooks.send('recording.ready', recording.room, { recording }));
  egress.on('liveStreamRecovered', (liveStream) => webhooks.send('live_stream.stopped', liveStream.room, { live_stream: liveStream }));
  egress.on('event', (room, type, data) => {
    webhooks.send(type, room.name, data);
    notifyRoom(room, (p) => p.notify('roomEvent', { type, data }));
  });
}

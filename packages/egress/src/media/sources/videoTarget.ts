import type { RoomView } from '@roomcast/sfu';
import type { VideoFeedSource } from './VideoFeed.js';

/** A participant's camera that can be shown. */
export interface Camera {
  participantId: string;
  identity: string;
  producerId: string;
}

/** Every joined participant's camera that is on, in join order. */
export function roomCameras(room: RoomView): Camera[] {
  const cameras: Camera[] = [];
  for (const participant of room.participants.values()) {
    if (!participant.joined || participant.closed) continue;
    for (const { producer, source } of participant.producers.values()) {
      if (producer.kind !== 'video' || producer.closed || producer.paused || (source !== 'camera' && source !== 'synthetic')) continue;
      cameras.push({ participantId: participant.id, identity: participant.identity, producerId: producer.id });
      break;
    }
  }
  return cameras;
}

/**
 * Whose camera a feed shows: the chosen participant's; or the active speaker's, else (nobody speaks
 * yet, or the speaker has no camera) the one shown now, else the first camera in the room.
 */
export function pickCamera(cameras: Camera[], source: VideoFeedSource, activeSpeakerId: string | null, shownParticipantId: string | undefined): Camera | undefined {
  if (typeof source === 'object') return cameras.find((c) => c.identity === source.participant);
  return (
    cameras.find((c) => c.participantId === activeSpeakerId) ??
    cameras.find((c) => c.participantId === shownParticipantId) ??
    cameras[0]
  );
}

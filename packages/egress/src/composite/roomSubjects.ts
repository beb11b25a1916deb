import type { Participant, Room } from '@roomcast/sfu';
import type { LayoutSubject } from './layout.js';

/** A subject with the producer that feeds it (none: show a placeholder). */
export interface SubjectSource extends LayoutSubject {
  videoProducerId: string | null;
}

/**
 * Who is on stage: every joined participant who is not a viewer, with its camera (or a placeholder
 * when the camera is off or absent), plus each screen share as its own subject.
 */
export function roomSubjects(room: Room): SubjectSource[] {
  const subjects: SubjectSource[] = [];
  for (const participant of room.participants.values()) {
    if (!participant.joined || participant.role === 'viewer') continue;
    subjects.push(cameraSubject(participant));
    for (const { producer, source } of participant.producers.values()) {
      if (source === 'screen' && !producer.paused) {
        subjects.push({ key: `${participant.id}:screen`, participantId: participant.id, name: `${participant.name} (screen)`, source: 'screen', videoProducerId: producer.id });
      }
    }
  }
  return subjects;
}

function cameraSubject(participant: Participant): SubjectSource {
  const camera = [...participant.producers.values()].find(
    ({ producer, source }) => producer.kind === 'video' && (source === 'camera' || source === 'synthetic'),
  );
  return {
    key: `${participant.id}:camera`,
    participantId: participant.id,
    name: participant.name,
    source: 'camera',
    videoProducerId: camera && !camera.producer.paused ? camera.producer.id : null,
  };
}

/** Every microphone (and screen audio) in the room: all of them go into the mix. */
export function roomAudioProducers(room: Room): string[] {
  const ids: string[] = [];
  for (const participant of room.participants.values()) {
    for (const { producer } of participant.producers.values()) if (producer.kind === 'audio') ids.push(producer.id);
  }
  return ids;
}

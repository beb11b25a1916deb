import type { ParticipantView, RoomView, TrackView } from '@roomcast/sfu';
import type { LayoutSubject } from './layout.js';

/** A subject with the producer that feeds it (none: show a placeholder). */
export interface SubjectSource extends LayoutSubject {
  videoProducerId: string | null;
}

/**
 * Who is on stage: every joined participant who is not a viewer, with its camera (or a placeholder
 * when the camera is off or absent), plus each screen share as its own subject.
 */
export function roomSubjects(room: RoomView): SubjectSource[] {
  const subjects: SubjectSource[] = [];
  for (const participant of room.participants.values()) {
    if (!participant.joined || participant.role === 'viewer') continue;
    subjects.push(cameraSubject(participant));
    for (const { producer, source } of participant.producers.values()) {
      if (source === 'screen' && !producer.paused) {
        subjects.push({
          key: `${participant.id}:screen`,
          participantId: participant.id,
          identity: participant.identity,
          name: `${participant.name} (screen)`,
          source: 'screen',
          videoProducerId: producer.id,
        });
      }
    }
  }
  return subjects;
}

function cameraSubject(participant: ParticipantView): SubjectSource {
  const camera = [...participant.producers.values()].find(
    ({ producer, source }) => producer.kind === 'video' && (source === 'camera' || source === 'synthetic'),
  );
  const videoProducerId = camera && !camera.producer.paused ? camera.producer.id : null;
  return {
    key: `${participant.id}:camera`,
    participantId: participant.id,
    identity: participant.identity,
    name: participant.name,
    source: 'camera',
    videoProducerId,
    videoOff: videoProducerId === null,
  };
}

/** Every microphone (and screen audio) in the room: all of them go into the mix. */
export function roomAudioProducers(room: RoomView): string[] {
  const ids: string[] = [];
  for (const participant of room.participants.values()) {
    for (const { producer } of participant.producers.values()) if (producer.kind === 'audio') ids.push(producer.id);
  }
  return ids;
}

/**
 * At most `max` subjects, in their stage order: pinned identities first, then screen shares, then the active speaker,
 * then cameras that are on, then the rest in join order. A room with more people than tiles shows
 * who matters now, and every tile costs a decoder.
 */
export function limitSubjects<S extends SubjectSource>(subjects: S[], max: number, activeSpeakerId: string | null, pinned: readonly string[] = []): S[] {
  if (subjects.length <= max) return subjects;
  const isPinned = (s: S): boolean => s.identity !== undefined && pinned.includes(s.identity);
  const rank = (s: S): number => (isPinned(s) ? -1 : s.source === 'screen' ? 0 : s.participantId === activeSpeakerId ? 1 : s.videoProducerId ? 2 : 3);
  const chosen = new Set(
    subjects
      .map((subject, index) => ({ subject, index }))
      .sort((a, b) => rank(a.subject) - rank(b.subject) || a.index - b.index)
      .slice(0, Math.max(0, max))
      .map(({ subject }) => subject),
  );
  return subjects.filter((s) => chosen.has(s));
}

/** Every producer of the room, by id. */
export function roomProducers(room: RoomView): Map<string, TrackView['producer']> {
  const producers = new Map<string, TrackView['producer']>();
  for (const participant of room.participants.values()) {
    for (const { producer } of participant.producers.values()) producers.set(producer.id, producer);
  }
  return producers;
}

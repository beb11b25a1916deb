import type { RoomView } from '@roomcast/sfu';
import { roomAudioProducers } from '../../composite/roomSubjects.js';
import type { AudioFormat } from '../types.js';

/** Every audio producer of the room with the participant it belongs to. */
export function audioProducerOwners(room: RoomView): Map<string, string> {
  const owners = new Map<string, string>();
  for (const producerId of roomAudioProducers(room)) {
    const participantId = ownerOf(room, producerId);
    if (participantId) owners.set(producerId, participantId);
  }
  return owners;
}

function ownerOf(room: RoomView, producerId: string): string | undefined {
  for (const participant of room.participants.values()) if (participant.producers.has(producerId)) return participant.id;
  return undefined;
}

/** Opus is always 48 kHz whatever was asked: one decoder serves every Opus subscriber. */
export function normalizeFormat(format: AudioFormat): AudioFormat {
  if (format.codec === 'opus') return { codec: 'opus', sample_rate: 48000 };
  if (format.sample_rate !== 16000 && format.sample_rate !== 48000) throw new Error(`unsupported sample rate ${String(format.sample_rate)}`);
  return { codec: 'pcm_s16le', sample_rate: format.sample_rate };
}

export function formatKey(format: AudioFormat): string {
  return `${format.codec}/${format.sample_rate}`;
}

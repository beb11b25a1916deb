import type { TrackSource } from '@roomcast/protocol';

/** The little a tile needs to know about a participant's media, from the SDK's objects. */
export interface MediaView {
  readonly isLocal: boolean;
  readonly producers: ReadonlyArray<{ source: TrackSource; paused: boolean }>;
  readonly tracks: ReadonlyArray<{ source: TrackSource; muted: boolean }>;
}

export interface MediaState {
  micMuted: boolean;
  cameraOff: boolean;
}

/**
 * Muted and camera-off, for indicators. A subscribed (or local) track knows its own state at once
 * (`trackMuted`); before a track is subscribed, the server's producer list says it.
 */
export function mediaState(participant: MediaView): MediaState {
  const off = (source: TrackSource): boolean => {
    const track = participant.tracks.find((t) => t.source === source);
    if (track) return track.muted;
    if (participant.isLocal) return true;
    const producer = participant.producers.find((p) => p.source === source);
    return !producer || producer.paused;
  };
  return { micMuted: off('microphone'), cameraOff: off('camera') };
}

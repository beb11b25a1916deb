/**
 * What one participant may hold at once. Every one of these costs the media worker memory, ports
 * or CPU, so a single token must not be able to take them all.
 */
export interface ParticipantLimits {
  /**
   * WebRTC transports a participant may create per direction over its whole session: one, plus a
   * small allowance for a client that re-creates it (ICE restarts reuse the transport).
   */
  transportsPerDirection: number;
  /** Producers open at once: camera, microphone, screen, screen audio. */
  producers: number;
  /** Consumers open at once (one per track of everyone else in the room). */
  consumers: number;
}

export const DEFAULT_PARTICIPANT_LIMITS: ParticipantLimits = { transportsPerDirection: 2, producers: 4, consumers: 100 };

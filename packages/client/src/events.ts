import type { EgressState, MediaStreamInfo, TrackSource } from '@roomcast/protocol';
import type { MediaStreamRequest, MediaStreamRequestAnswer } from './mediaStreams.js';
import type { LocalParticipant, Participant, RemoteParticipant } from './Participant.js';
import type { LocalSource, LocalTrack, RemoteTrack, Track } from './tracks.js';
import type { RoomcastError } from './errors.js';

/**
 * The room's connection, as the UI should show it:
 * - `disconnected`: not joined (before `join`, after `leave`, or when the room ended);
 * - `connecting`: the first join is in progress;
 * - `connected`: joined, media flowing or about to;
 * - `reconnecting`: the signaling socket dropped; the SDK is retrying with backoff.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/**
 * Why a room ended for this client (the `disconnected` event):
 * - `left`: `leave()` was called;
 * - `room_closed`: the server closed the room (deleted, worker died, shutdown: see the detail);
 * - `replaced`: the same identity joined from somewhere else (the SDK does not reconnect);
 * - `removed`: the server closed this session on purpose (a normal close the client did not ask for);
 * - `reconnect_failed`: the socket dropped and every retry failed, or a retry was refused.
 */
export type DisconnectReason = 'left' | 'room_closed' | 'replaced' | 'removed' | 'reconnect_failed';

/** Event names of `Room`, as constants: `room.on(RoomEvent.TrackSubscribed, ...)`. */
export const RoomEvent = {
  ParticipantJoined: 'participantJoined',
  ParticipantLeft: 'participantLeft',
  ParticipantUpdated: 'participantUpdated',
  TrackSubscribed: 'trackSubscribed',
  TrackUnsubscribed: 'trackUnsubscribed',
  TrackMuted: 'trackMuted',
  TrackUnmuted: 'trackUnmuted',
  LocalTrackPublished: 'localTrackPublished',
  LocalTrackUnpublished: 'localTrackUnpublished',
  ActiveSpeakerChanged: 'activeSpeakerChanged',
  ConnectionStateChanged: 'connectionStateChanged',
  EgressUpdated: 'egressUpdated',
  MediaStreamsChanged: 'mediaStreamsChanged',
  MediaStreamRequested: 'mediaStreamRequested',
  MediaStreamRequestAnswered: 'mediaStreamRequestAnswered',
  RoomEventReceived: 'roomEvent',
  MediaError: 'mediaError',
  Disconnected: 'disconnected',
} as const;

export type RoomEventName = (typeof RoomEvent)[keyof typeof RoomEvent];

/** The signature of each `Room` event's listener. */
export interface RoomEventCallbacks {
  /** Someone else joined (also after a reconnect, for participants who arrived meanwhile). */
  participantJoined: (participant: RemoteParticipant) => void;
  /** Someone left. Their tracks were unsubscribed (with `trackUnsubscribed`) just before. */
  participantLeft: (participant: RemoteParticipant) => void;
  /** A participant's info changed: it published, paused, resumed or closed a track. */
  participantUpdated: (participant: RemoteParticipant) => void;
  /** A remote track is ready to play: attach `stream` to a `<video>` or `<audio>` element. */
  trackSubscribed: (participant: RemoteParticipant, track: RemoteTrack, source: TrackSource, stream: MediaStream) => void;
  /** A remote track ended (unpublished, its participant left, or the connection was rebuilt). */
  trackUnsubscribed: (participant: RemoteParticipant, track: RemoteTrack, source: TrackSource) => void;
  /** A track was muted: a remote publisher paused it, or `setMuted(source, true)` here. */
  trackMuted: (participant: Participant, track: Track) => void;
  /** A track was unmuted. */
  trackUnmuted: (participant: Participant, track: Track) => void;
  /** A local track was added (`publishCamera()` and friends): a preview can attach `track.stream`. */
  localTrackPublished: (participant: LocalParticipant, track: LocalTrack) => void;
  /** A local track was removed (`unpublish`, the user stopped a screen share, or the server closed it). */
  localTrackUnpublished: (participant: LocalParticipant, track: LocalTrack) => void;
  /** The loudest participant changed; `null` when nobody speaks. May be the local participant. */
  activeSpeakerChanged: (speaker: Participant | null) => void;
  /** See `ConnectionState`. */
  connectionStateChanged: (state: ConnectionState) => void;
  /** The room's RTMP broadcasts, live streams or media streams changed. */
  egressUpdated: (egress: EgressState) => void;
  /** The room's media streams to apps (`room.mediaStreams`: the ones not stopped) changed: one started, stopped, paused... */
  mediaStreamsChanged: (streams: readonly MediaStreamInfo[]) => void;
  /** To moderators: a participant asks to stream the room to an app; answer with `room.answerMediaStreamRequest()`. */
  mediaStreamRequested: (request: MediaStreamRequest) => void;
  /** A request was answered (to the participant who asked, and to the other moderators). */
  mediaStreamRequestAnswered: (answer: MediaStreamRequestAnswer) => void;
  /** A room or egress event from the server (same `type`s as webhooks), for toasts and logs. */
  roomEvent: (type: string, data: Record<string, unknown>) => void;
  /** Capturing or publishing a local source failed (e.g. camera permission denied at join). */
  mediaError: (source: LocalSource, error: RoomcastError) => void;
  /** The room ended for this client; it will not reconnect. `detail` is a human-readable why. */
  disconnected: (reason: DisconnectReason, detail?: string) => void;
}

/** How the room's parts raise its events (the room's own emitter, passed down). */
export type RoomEmit = <E extends keyof RoomEventCallbacks>(event: E, ...args: Parameters<RoomEventCallbacks[E]>) => void;

import type { EgressState, Role, RoomSettings, TrackSource, WebhookEventType } from '@roomcast/protocol';
import type { ms, RoomCloseReason, RtpTarget, TapSrtpParameters } from '@roomcast/sfu';

/**
 * What an SFU tells an egress about its rooms (issue 13, Deliver 2): a snapshot when a room opens,
 * then each change. Plain data only, so the same messages cross a process boundary (IPC) or a
 * network (Redis) unchanged.
 */
export interface TrackSnapshot {
  id: string;
  kind: ms.MediaKind;
  paused: boolean;
  source: TrackSource;
}

export interface ParticipantSnapshot {
  id: string;
  identity: string;
  name: string;
  role: Role;
  tracks: TrackSnapshot[];
}

export interface RoomSnapshot {
  name: string;
  settings: RoomSettings;
  activeSpeakerId: string | null;
  /** Joined participants that are not hidden: the only ones an egress shows or streams. */
  participants: ParticipantSnapshot[];
}

export type FeedEvent =
  | { type: 'roomOpened'; room: RoomSnapshot }
  | { type: 'roomClosed'; room: string; reason: RoomCloseReason }
  | { type: 'participantJoined'; room: string; participant: ParticipantSnapshot }
  | { type: 'participantLeft'; room: string; participantId: string }
  | { type: 'producerAdded'; room: string; participantId: string; track: TrackSnapshot }
  | { type: 'producerRemoved'; room: string; participantId: string; producerId: string }
  | { type: 'producerPaused'; room: string; participantId: string; producerId: string; paused: boolean }
  | { type: 'activeSpeaker'; room: string; participantId: string | null }
  | { type: 'settings'; room: string; settings: RoomSettings }
  | { type: 'tapClosed'; tapId: string };

/** A tap as the SFU opened it: what the receiver's SDP needs. */
export interface OpenedTap {
  tapId: string;
  kind: ms.MediaKind;
  rtpParameters: ms.RtpParameters;
  srtpParameters?: TapSrtpParameters;
}

/** What the SFU side answers for the egress (the RtpTap request and the little around it). */
export interface SfuFunctions {
  openTap(room: string, producerId: string, target: RtpTarget): Promise<OpenedTap>;
  tapResume(tapId: string): Promise<void>;
  tapRequestKeyFrame(tapId: string): Promise<void>;
  tapPreferSpatialLayer(tapId: string, spatialLayer: number): Promise<void>;
  tapClose(tapId: string): Promise<void>;
  producerBytesReceived(room: string, producerId: string): Promise<number | undefined>;
  /** The egress's state of a room, for `info()` and its participants. */
  setEgressState(room: string, state: EgressState): void;
  /** An egress event (an output started, failed…) for the room's participants (the SDK's toasts). */
  egressEvent(room: string, type: WebhookEventType, data: Record<string, unknown>): void;
  /** Every open room now, for an egress that (re)connects. */
  snapshot(): RoomSnapshot[];
}

/** What the egress side takes from the SFU. */
export interface FeedFunctions {
  feed(event: FeedEvent): void;
  /** Resolves once the egress's mirror holds every room the SFU had when it connected. */
  whenSynced(): Promise<void>;
}

import type { types as ms } from 'mediasoup';
import type { EgressState, Role, RoomSettings, TrackSource } from '@roomcast/protocol';
import type { RoomCloseReason } from './Room.js';

/**
 * The narrow interface the egress reads a room through (issue 13): who is in it, their tracks, the
 * active speaker and settings, a feed of changes, and one request — "send this producer's RTP to
 * host:port". `Room` implements it in-process; a mirror fed over IPC or Redis implements it on an
 * egress node. Everything in it is plain data a message can carry: no mediasoup object leaks out.
 */
export interface TrackView {
  producer: { readonly id: string; readonly kind: ms.MediaKind; readonly paused: boolean; readonly closed: boolean };
  source: TrackSource;
}

export interface ParticipantView {
  readonly id: string;
  readonly identity: string;
  readonly name: string;
  readonly role: Role;
  readonly joined: boolean;
  readonly hidden: boolean;
  readonly closed: boolean;
  readonly producers: ReadonlyMap<string, TrackView>;
}

export interface RoomViewEvents extends Record<string, unknown[]> {
  participantJoined: [participant: ParticipantView];
  participantLeft: [participant: ParticipantView];
  producerAdded: [participant: ParticipantView, track: TrackView];
  producerRemoved: [participant: ParticipantView, producerId: string];
  producerPaused: [participant: ParticipantView, producerId: string, paused: boolean];
  activeSpeaker: [participantId: string | null];
  closed: [reason: RoomCloseReason];
}

type Listener<E extends keyof RoomViewEvents> = (...args: RoomViewEvents[E]) => void;

/** Where a tap sends RTP (and RTCP on the next port): the egress's receiving socket. */
export interface RtpTarget {
  ip: string;
  port: number;
  rtcpPort: number;
  /** Encrypt what goes there (SRTP, AES_CM_128_HMAC_SHA1_80): for a receiver on another host. */
  srtp?: boolean;
}

/** The key a tap encrypts with, for the receiver's SDP (`a=crypto`). */
export interface TapSrtpParameters {
  cryptoSuite: string;
  keyBase64: string;
}

/** One producer's RTP flowing to an RtpTarget; starts paused so the receiver can bind first. */
export interface RtpTap {
  readonly kind: ms.MediaKind;
  /** What the receiver's SDP describes (codec, payload type, SSRC). */
  readonly rtpParameters: ms.RtpParameters;
  /** Set when the target asked for SRTP. */
  readonly srtpParameters?: TapSrtpParameters;
  readonly closed: boolean;
  resume(): Promise<void>;
  requestKeyFrame(): Promise<void>;
  /** A simulcast producer: the spatial layer to send (clamped to those it has); others ignore it. */
  preferSpatialLayer(spatialLayer: number): Promise<void>;
  /** Called once when the tap closes by itself (its producer went) or by close(). */
  onClose(listener: () => void): void;
  close(): void;
}

export interface RoomView {
  readonly name: string;
  readonly closed: boolean;
  readonly participants: ReadonlyMap<string, ParticipantView>;
  readonly activeSpeakerId: string | null;
  readonly settings: RoomSettings;
  /** Owned by the egress; the room carries it for `info()` and its participants. */
  egress: EgressState;
  on<E extends keyof RoomViewEvents & string>(event: E, listener: Listener<E>): unknown;
  once<E extends keyof RoomViewEvents & string>(event: E, listener: Listener<E>): unknown;
  off<E extends keyof RoomViewEvents & string>(event: E, listener: Listener<E>): unknown;
  /** Sends one producer's RTP to `target`, paused until `resume()`. Rejects if the producer is gone. */
  openTap(producerId: string, target: RtpTarget): Promise<RtpTap>;
  /** RTP bytes the producer has received so far (every layer); undefined once it is gone. */
  producerBytesReceived(producerId: string): Promise<number | undefined>;
}

export interface RoomDirectoryEvents extends Record<string, unknown[]> {
  roomCreated: [room: RoomView];
  roomClosed: [room: RoomView, ...more: unknown[]];
}

/** The rooms the egress can see: the SFU in-process, or a mirror of remote SFU nodes. */
export interface RoomDirectory {
  /** The open room of that name; throws `room_not_found` otherwise. */
  room(name: string): RoomView;
  readonly rooms: ReadonlyMap<string, RoomView>;
  on<E extends keyof RoomDirectoryEvents & string>(event: E, listener: (...args: RoomDirectoryEvents[E]) => void): unknown;
}

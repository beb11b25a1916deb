
/*
 * What the RTMS sockets need from the rest of the server, as structural types: the egress's
 * MediaStream / MediaStreamService and the server's MediaApps registry satisfy them, and tests
 * use small in-memory stand-ins. Nothing here is implemented in this folder except
 * `MediaConnection` (MediaSocket) and `SignalingObserver` (SignalingSocket).
 */

/** The egress defines what a stream pushes into the sockets; the sockets implement these. */
export type { MediaConnection, SignalingObserver, SessionStateMessage as SessionUpdate } from '@roomcast/egress';
import type { MediaConnection, SignalingObserver } from '@roomcast/egress';
import type { MediaStreamState } from '@roomcast/protocol';

/** The part of a MediaStream the sockets use. */
export interface StreamLike {
  readonly id: string;
  readonly appId: string;
  /** The room's name: what `room_id` in a handshake must equal. */
  readonly roomName: string;
  readonly ended: boolean;
  readonly transcriptAvailable: boolean;
  /** What it carries (null / false: not carried); MediaStreamInfo satisfies this. */
  info(): { audio: unknown; video: unknown; transcript: boolean };
  mediaParams(): Record<string, unknown>;
  /** The participants with their user_id and session state, for the handshake replies. */
  sessions(): Array<{ userId: number; userName: string; state: MediaStreamState }>;
  attachMedia(connection: MediaConnection): () => void;
  attachSignaling(observer: SignalingObserver): () => void;
}

export interface StreamLookup {
  get(id: string): StreamLike | undefined;
}

export interface AppLike {
  id: string;
  client_id: string;
  client_secret: string;
}

export interface AppLookup {
  byId(id: string): AppLike | undefined;
  /**
   * Every registered app. A handshake whose signature matches no app's secret gets
   * SIGNATURE_INVALID whether or not its stream exists (see handshake.ts).
   */
  all(): Iterable<AppLike>;
}

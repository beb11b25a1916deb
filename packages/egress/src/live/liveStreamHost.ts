import type { Layout, LiveStreamInfo, WebhookEventType } from '@roomcast/protocol';
import type { RoomView } from '@roomcast/sfu';
import type { CompositeRequest, CompositeView } from '../composite/CompositeRequest.js';
import type { EgressLog } from '../destinations/DestinationPolicy.js';
import type { RecordingStore } from '../recordings/RecordingStore.js';
import type { HlsOutput, LiveRendition } from './LiveRendition.js';

/** What live streams need of the egress service that owns them (EgressService; a fake in unit tests). */
export interface LiveStreamHost {
  /** The open room of that name; throws room_not_found. */
  room(name: string): RoomView;
  /** The room's composite, reused or started (see CompositeRequest for check and claim). */
  composite(room: RoomView, request: CompositeRequest): Promise<CompositeView>;
  /** A live stream of the room ended: end the composite if nothing else feeds from it. */
  release(room: RoomView): Promise<void>;
  /** Push the room's egress state (it reads `listed()`). */
  publish(room: RoomView): void;
  event(room: RoomView, type: WebhookEventType, data: Record<string, unknown>): void;
  /** Owner of background work: a failure is reported, never unhandled. */
  own(task: Promise<unknown>, what: string): void;
  /** A live stream a crash left active was found at start and stopped (its room is gone): webhooks only. */
  recovered?(liveStream: LiveStreamInfo): void;
  /** The layout the room's composite shows now (kept in the record: a resumed stream starts with it). */
  layoutOf?(room: RoomView): Layout | undefined;
}

export interface LiveStreamServiceOptions {
  host: LiveStreamHost;
  hls: HlsOutput;
  /** Where live streams write their renditions, one directory per live stream. */
  hlsDir: string;
  /** Recorded live streams write into their recording's directory instead (RECORDINGS_DIR). */
  recordings?: RecordingStore;
  /** Prefix of playback URLs (e.g. https://rooms.example.com); empty: paths on this server. */
  publicUrl?: string;
  /** Signs playback and asset URLs handed out (HLS_SIGNED_URLS); none: unsigned. */
  signUrl?: (url: string) => string;
  /** Ended live streams remembered for GET, oldest forgotten first (default 100). */
  historyLimit?: number;
  /** The operator's log: why a rendition failed, in detail. */
  log?: EgressLog;
}

/** What the playback routes read: the master playlist and each rendition's playlists and files. */
export interface LivePlayback {
  /** True once every rendition has its first part, waiting up to timeoutMs for it. */
  ready(timeoutMs: number): Promise<boolean>;
  /** The master playlist; undefined until ready (CODECS come from the first part's init segment). */
  master(): string | undefined;
  rendition(name: string): LiveRendition | undefined;
}

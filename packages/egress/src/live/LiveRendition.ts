import type { TypedEmitter } from '@roomcast/sfu';
import type { FlvFanout } from '../fanout/FlvFanout.js';
import type { HlsRenditionEvents, HlsRenditionOptions } from '../hls/HlsRendition.js';
import type { MasterVariant } from '../hls/masterPlaylist.js';

/**
 * What a live stream needs of an HLS rendition (packages/egress/src/hls, HlsRendition): the live
 * stream drives its lifecycle and the server reads playlists and files through it. Kept as an
 * interface so the live stream's state machine is testable without FFmpeg.
 */
export interface LiveRendition extends Pick<TypedEmitter<HlsRenditionEvents>, 'on'> {
  /** Has its first part: playable. */
  readonly ready: boolean;
  /** CODECS for the master playlist, known once ready. */
  readonly codecs: string;
  /** The media playlist as it is now. */
  playlist(): string;
  /** True once media sequence `msn` (and part `part`) exists; false on timeout or stop. */
  waitFor(msn: number, part: number | undefined, timeoutMs: number): Promise<boolean>;
  /** The newest part; undefined before the first. */
  edge(): { msn: number; part: number } | undefined;
  /** Absolute path of a file it wrote and still has; undefined otherwise. */
  file(name: string): string | undefined;
  /** As file(), but waits (up to timeoutMs) for a part or segment about to be written (a preload hint). */
  waitForFile(name: string, timeoutMs: number): Promise<string | undefined>;
  /** Flushes the last part and segment (ENDLIST when keeping everything) and ends its FFmpeg. Safe twice. */
  stop(): Promise<void>;
}

/** HlsRenditionOptions, as far as a live stream sets them. */
export type LiveRenditionOptions = Pick<HlsRenditionOptions, 'dir' | 'name' | 'width' | 'height' | 'frameRate' | 'bandwidth' | 'keepAll' | 'log' | 'resume'>;

export type { MasterVariant };

/** How live streams make renditions and master playlists: HlsRendition in production, fakes in unit tests. */
export interface HlsOutput {
  start(source: FlvFanout, options: LiveRenditionOptions): Promise<LiveRendition>;
  masterPlaylist(variants: MasterVariant[]): string;
}

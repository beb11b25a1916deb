import type { MediaStreamVideoOptions } from '@roomcast/protocol';
import type { RoomView } from '@roomcast/sfu';
import type { PortAllocator } from '../rtp/PortAllocator.js';
import type { AudioFormat, AudioFrame, Closable, VideoFormat, VideoFrame } from './types.js';

/*
 * What a media stream needs of its sources, as interfaces: the real ones are AudioHub, VideoFeed
 * and the recognizers (sources/, transcripts/); MediaStreamService is given them by EgressService.
 */

/** One per room, shared by every stream of it (sources/AudioHub). */
export interface AudioSource extends Closable {
  subscribe(format: AudioFormat, listener: (frame: AudioFrame) => void): () => void;
  subscribeMix(format: AudioFormat, listener: (frame: AudioFrame) => void): () => void;
}

export interface VideoFeedOptions {
  room: RoomView;
  ports: PortAllocator;
  format: VideoFormat;
  source: NonNullable<MediaStreamVideoOptions['source']>;
  onFrame: (frame: VideoFrame) => void;
}

export type StartVideoFeed = (options: VideoFeedOptions) => Closable;

export interface RecognizerSessionLike {
  write(pcm16k: Buffer): void;
  close(): Promise<void>;
}

export interface TranscriptSegmentOut {
  text: string;
  start: number;
  end: number;
  final: boolean;
}

export interface RecognizerLike {
  readonly name: string;
  available(): Promise<boolean>;
  open(options: { onSegment: (segment: TranscriptSegmentOut) => void; onError?: (error: Error) => void }): RecognizerSessionLike;
}

import type { EgressState, LiveStreamInfo, RecordingInfo, WebhookEventType } from '@roomcast/protocol';
import type { RoomView } from '@roomcast/sfu';
import type { X264Tuning } from './args/encoderArgs.js';
import type { AssetStore } from './assets/AssetStore.js';
import type { RestartPolicyOptions } from './composite/RestartPolicy.js';
import type { RelayPolicy } from './fanout/RtmpRelay.js';
import type { HlsOutput } from './live/LiveRendition.js';
import type { S3UploaderOptions } from './recordings/S3Uploader.js';
import type { MediaStreamServiceOptions } from './media/MediaStreamService.js';
import type { WebLayoutSettings } from './web/webLayoutSpec.js';

/** What an EgressService is configured with (the server builds it from the environment) and what it emits. */
export interface EgressServiceOptions {
  /** UDP ports where FFmpeg decoders receive RTP from mediasoup (loopback only). */
  rtpPorts: { min: number; max: number };
  /** EGRESS_RTP_SRTP: the SFU encrypts every tap (SRTP), as it must for a receiver on another host. */
  rtpSrtp?: boolean;
  /** EGRESS_RTP_LISTEN_IP: where decoders receive the SFU's RTP (default 127.0.0.1). */
  rtpListenIp?: string;
  /** EGRESS_RTP_ANNOUNCED_IP: where the SFU sends it (default the listen address). */
  rtpAnnouncedIp?: string;
  maxDestinationsPerRoom: number;
  maxDestinationsPerServer: number;
  maxComposites: number;
  /** Tiles per layout (default 16) and decoders per composite, video and audio (default 24). */
  maxTiles?: number;
  maxDecodersPerComposite?: number;
  background: string;
  placeholderColor: string;
  relay: RelayPolicy;
  x264?: X264Tuning;
  /** How often a crashed composite encoder is restarted before its broadcasts fail (tests shorten it). */
  encoderRestart?: RestartPolicyOptions;
  /** Where HLS live streams write their files (default <tmpdir>/roomcast-hls). */
  hlsDir?: string;
  /** Where recorded live streams write theirs, kept after they end (default <hlsDir>/recordings). */
  recordingsDir?: string;
  /** Prefix of playback URLs, e.g. https://rooms.example.com; none: paths on this server. */
  publicUrl?: string;
  /** Signs playback and recording URLs handed out (HLS_SIGNED_URLS); none: unsigned. */
  signUrl?: (url: string) => string;
  /** Makes HLS renditions (HlsRendition unless a test says otherwise). */
  hls?: HlsOutput;
  /** RECORDINGS_S3_*: upload finished recordings to this bucket; none: local files only. */
  recordingsS3?: Omit<S3UploaderOptions, 'log'>;
  /** Realtime media streams (MEDIA_STREAM_*): limits, the recognizer, the signaling URL handed to apps; sources default to the real ones. */
  mediaStreams?: Partial<Omit<MediaStreamServiceOptions, 'host' | 'ports'>>;
  /** The `web` layout (WEB_LAYOUT_*): which origins a page may come from, its load timeout; none: `web` is refused. */
  webLayout?: WebLayoutSettings;
  /** Uploaded images (ASSETS_DIR) a layout's logo may name as `{asset}`; none: such logos are refused. */
  assets?: AssetStore;
}

export interface EgressServiceEvents extends Record<string, unknown[]> {
  /** A room's egress changed: push it to the room and webhooks. */
  event: [room: RoomView, type: WebhookEventType, data: Record<string, unknown>];
  state: [room: RoomView, state: EgressState];
  /** A recording a crash left unfinished was finished at start (its room is gone): `recording.ready` for webhooks. */
  recordingRecovered: [recording: RecordingInfo];
  /** A live stream a crash left active was found at start and marked stopped (its room is gone): `live_stream.stopped` for webhooks. */
  liveStreamRecovered: [liveStream: LiveStreamInfo];
  /** Work the service started on its own failed (for the log); the service goes on. */
  backgroundError: [error: unknown, task: string];
}

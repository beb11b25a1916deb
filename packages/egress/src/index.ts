export { resolveFfmpegPath, resolveFfprobePath, ffmpegPath, ffprobePath, type FfmpegPathSources } from './ffmpeg/ffmpegPath.js';
export {
  SyntheticPublisher,
  type SyntheticPublisherOptions,
  type SyntheticPublisherEvents,
  type SyntheticVideoOptions,
  type SyntheticAudioOptions,
} from './synthetic/SyntheticPublisher.js';
export { FfmpegProcess, describeFfmpegExit, type FfmpegExit, type FfmpegSpawnOptions } from './ffmpeg/FfmpegProcess.js';
export { drawtextSupport, type DrawtextSupport } from './ffmpeg/drawtextSupport.js';
export { EgressService, type EgressServiceOptions, type EgressServiceEvents } from './EgressService.js';
export { AssetStore, type AssetStoreOptions, type StoredAsset } from './assets/AssetStore.js';
export { S3Uploader, STORAGE_FAILURES, type S3UploaderOptions, type UploadOutcome } from './recordings/S3Uploader.js';
export { LiveStreamService, type LivePlayback } from './live/LiveStreamService.js';
export type { StoredLiveStream } from './live/LiveStreamRecords.js';
export type { MediaStreamRecord } from './media/mediaStreamRecords.js';
export type { LiveRendition } from './live/LiveRendition.js';
export { HlsRendition, HLS_FAILURES, type HlsRenditionOptions, type HlsRenditionEvents } from './hls/HlsRendition.js';
export { masterPlaylist, type MasterVariant } from './hls/masterPlaylist.js';
export { checkLlHls } from './hls/checkLlHls.js';
export { CompositeEgress, type CompositeEgressOptions } from './composite/CompositeEgress.js';
export { qualityPreset, DEFAULT_QUALITY, type QualityPreset } from './composite/presets.js';
export { computeLayout, type LayoutSubject, type Tile, type Rect } from './composite/layout.js';
export { RtmpRelay, type RtmpRelayOptions, type RelayPolicy, type RelayEventType } from './fanout/RtmpRelay.js';
export { redactStreamKey, type RtmpsTls } from './args/relayArgs.js';
export { DestinationPolicy, NOT_ALLOWED_MESSAGE, type DestinationPolicyOptions, type EgressLog } from './destinations/DestinationPolicy.js';
export { RELAY_FAILURES, type RelayFailure } from './destinations/relayFailure.js';
export { PortAllocator } from './rtp/PortAllocator.js';
export { closedLoopbackPort } from './testing/loopback.js';
export type { X264Speed, X264Tuning } from './args/encoderArgs.js';
export { CLOCK_BAND, CLOCK_BLOCKS, clockAgeMs, readClockBarcode } from './synthetic/clockBarcode.js';
export { MediaStreamService, type MediaStreamServiceOptions, type MediaAppGrant } from './media/MediaStreamService.js';
export { MediaStream, type MediaConnection, type SignalingObserver, type SessionStateMessage } from './media/MediaStream.js';
export {
  createRecognizer,
  TranscriptsEnvSchema,
  transcriptsConfigFromEnv,
  type TranscriptsConfig,
  type Recognizer,
} from './media/transcripts/index.js';
export { WEB_LAYOUT_FAILED, WEB_LAYOUT_CRASHED, WEB_LAYOUT_ENDED, type WebLayoutSettings } from './web/webLayoutSpec.js';
export { type EgressCommands, type MediaStreamAction, localEgressCommands } from './remote/EgressCommands.js';
export { callEgressCommands, serveEgressCommands } from './remote/commandsRpc.js';
export { RestartPolicy, type RestartPolicyOptions } from './composite/RestartPolicy.js';
export { type MessagePipe, mirrorRoomFeed, serveRoomFeed } from './remote/feedChannel.js';
export { MirrorDirectory } from './remote/MirrorDirectory.js';
export { CombinedDirectory } from './remote/CombinedDirectory.js';
export { RoomFeedSource } from './remote/RoomFeedSource.js';

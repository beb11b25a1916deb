export { AudioHub, type AudioHubOptions } from './AudioHub.js';
export { VideoFeed, type VideoFeedOptions, type VideoFeedSource } from './VideoFeed.js';
export { RoomMix, type RoomMixOptions } from './RoomMix.js';
export { PcmFramer, pcmFrameBytes, FRAME_MS } from './PcmFramer.js';
export { SpeechDetector, type SpeechDetectorOptions } from './SpeechDetector.js';
export { OggPacketReader, isOpusHeader, opusPacketDurationMs } from './OggPacketReader.js';
export { AccessUnitSplitter, type AccessUnit, nalTypes } from './AccessUnitSplitter.js';
export { JpegSplitter } from './JpegSplitter.js';

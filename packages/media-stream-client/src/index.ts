export { MediaStreamClient } from './MediaStreamClient.js';
export type {
  CloseReason,
  ConnectOptions,
  ConnectResult,
  MediaStreamClientEvents,
  ReconnectOptions,
  SubscribableEvent,
} from './MediaStreamClient.js';
export type {
  AudioData,
  RtmsEvent,
  RtmsJsonMessage,
  ServerUrls,
  SessionStateUpdate,
  StreamStateUpdate,
  TranscriptData,
  VideoData,
} from './messages.js';
export { RtmsHandshakeError, type RtmsSocketName } from './RtmsHandshakeError.js';
export { signHandshake } from './signature.js';
export { verifyWebhook } from './webhook.js';


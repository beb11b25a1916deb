export { Sfu, type SfuOptions, type SfuEvents } from './Sfu.js';
export { Room, type RoomEvents, type RoomCloseReason, type ProduceOptions } from './Room.js';
export { Participant, type Notifier, type ParticipantOptions, type PublishedTrack } from './Participant.js';
export { WorkerPool, type WorkerPoolOptions } from './WorkerPool.js';
export { TypedEmitter } from './TypedEmitter.js';
export { MEDIA_CODECS } from './codecs.js';
export { loadMediasoup, resolveWorkerBin, type Mediasoup } from './mediasoupLoader.js';
export type { WebRtcSettings, Direction } from './transports.js';
export type { types as ms } from 'mediasoup';

import type { EgressCommands } from '@roomcast/egress';
import type { AssetUploadTickets } from '../../routes/assetUploadTickets.js';
import { assetHandlers } from './assets.js';
import type { HandlerTable } from '../types.js';
import { broadcastHandlers } from './broadcasts.js';
import { liveStreamHandlers } from './liveStreams.js';
import { type MediaStreamHandlerDeps, mediaStreamHandlers } from './mediaStreams.js';
import * as media from './media.js';
import * as membership from './membership.js';
import * as transports from './transports.js';

/** Every signaling method and the function that serves it. */
export const createHandlers = (egress: EgressCommands, mediaStreams: MediaStreamHandlerDeps, assetUploads?: AssetUploadTickets): HandlerTable => ({
  join: membership.join,
  leave: membership.leave,
  getRouterRtpCapabilities: transports.getRouterRtpCapabilities,
  createTransport: transports.createTransport,
  connectTransport: transports.connectTransport,
  restartIce: transports.restartIce,
  produce: media.produce,
  closeProducer: media.closeProducer,
  pauseProducer: media.pauseProducer,
  resumeProducer: media.resumeProducer,
  pauseConsumer: media.pauseConsumer,
  resumeConsumer: media.resumeConsumer,
  setConsumerPreferredLayers: media.setConsumerPreferredLayers,
  requestKeyFrame: media.requestKeyFrame,
  ...broadcastHandlers(egress),
  ...liveStreamHandlers(egress),
  ...mediaStreamHandlers(mediaStreams),
  ...assetHandlers(assetUploads),
});

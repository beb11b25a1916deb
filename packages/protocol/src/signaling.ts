import { z } from 'zod';
import { AssetUploadTicketSchema } from './assets.js';
import { JsonObjectSchema, MediaKindSchema, TrackSourceSchema } from './common.js';
import { ErrorDetailSchema } from './errors.js';
import { DtlsParametersSchema, RtpCapabilitiesSchema, RtpParametersSchema } from './media.js';
import { EgressStateSchema } from './egress.js';
import { SetLayoutBodySchema } from './layouts.js';
import { LiveStreamIdSchema, LiveStreamInfoSchema, StartLiveStreamBodySchema } from './liveStreams.js';
import {
  MediaAppInfoSchema,
  MediaStreamIdSchema,
  MediaStreamInfoSchema,
  MediaStreamRequestAnsweredSchema,
  MediaStreamRequestedSchema,
  MediaStreamRequestIdSchema,
  StartMediaStreamBodySchema,
  StartMediaStreamResponseSchema,
} from './mediaStreams.js';
import { BroadcastNameSchema, StartRtmpBroadcastsBodySchema } from './rest.js';
import { ParticipantInfoSchema, ProducerInfoSchema } from './room.js';

/*
 * Signaling over WebSocket at /ws?token=<participant token>. JSON text frames.
 *   client → server request:   {id, method, data}
 *   server → client response:  {id, ok: true, data} | {id, ok: false, error: {code, message}}
 *   server → client notification: {method, data} (no id)
 */

const TransportIdSchema = z.object({ transportId: z.string().min(1).max(64) });
const ProducerIdSchema = z.object({ producerId: z.string().min(1).max(64) });
const ConsumerIdSchema = z.object({ consumerId: z.string().min(1).max(64) });
const Empty = z.object({}).optional();
const Ok = z.object({});

export const TransportOptionsSchema = z.object({
  id: z.string(),
  iceParameters: JsonObjectSchema,
  iceCandidates: z.array(JsonObjectSchema),
  dtlsParameters: JsonObjectSchema,
});
export type TransportOptions = z.infer<typeof TransportOptionsSchema>;

/**
 * WebSocket close codes of the signaling socket. They back up the `roomClosed` / `replaced`
 * notifications: the SDK must not reconnect after `roomClosed`, `replaced` or `left`; media and
 * ping timeouts mean the path broke, so those do reconnect.
 */
export const SignalCloseCode = {
  left: 1000,
  roomClosed: 4001,
  replaced: 4002,
  mediaTimeout: 4003,
  pingTimeout: 4004,
  /** The socket kept sending past its message rate limit: a client bug or abuse; reconnecting is fine. */
  rateLimited: 4005,
} as const;

/** Each request: the schema of its `data` and of the `data` of a successful response. */
export const Requests = {
  /** Join the room the token names. Must come first. */
  join: {
    request: z.object({ rtpCapabilities: RtpCapabilitiesSchema }),
    response: z.object({
      participant: ParticipantInfoSchema,
      participants: z.array(ParticipantInfoSchema),
      routerRtpCapabilities: JsonObjectSchema,
      activeSpeaker: z.string().nullable(),
      egress: EgressStateSchema,
    }),
  },
  /** The router's capabilities, to load a mediasoup-client Device before joining. */
  getRouterRtpCapabilities: { request: Empty, response: z.object({ rtpCapabilities: JsonObjectSchema }) },
  createTransport: {
    request: z.object({ direction: z.enum(['send', 'recv']) }),
    response: TransportOptionsSchema,
  },
  connectTransport: {
    request: TransportIdSchema.extend({ dtlsParameters: DtlsParametersSchema }),
    response: Ok,
  },
  restartIce: { request: TransportIdSchema, response: z.object({ iceParameters: JsonObjectSchema }) },
  produce: {
    request: TransportIdSchema.extend({
      kind: MediaKindSchema,
      rtpParameters: RtpParametersSchema,
      source: TrackSourceSchema,
      paused: z.boolean().optional(),
    }),
    response: z.object({ producerId: z.string() }),
  },
  closeProducer: { request: ProducerIdSchema, response: Ok },
  pauseProducer: { request: ProducerIdSchema, response: Ok },
  resumeProducer: { request: ProducerIdSchema, response: Ok },
  pauseConsumer: { request: ConsumerIdSchema, response: Ok },
  resumeConsumer: { request: ConsumerIdSchema, response: Ok },
  setConsumerPreferredLayers: {
    request: ConsumerIdSchema.extend({
      spatialLayer: z.number().int().min(0).max(3),
      temporalLayer: z.number().int().min(0).max(3).optional(),
    }),
    response: Ok,
  },
  requestKeyFrame: { request: ConsumerIdSchema, response: Ok },
  leave: { request: Empty, response: Ok },
  /** Egress from the SDK, for participants whose token allows it (moderators by default). */
  startRtmpBroadcasts: { request: StartRtmpBroadcastsBodySchema, response: z.object({ egress: EgressStateSchema }) },
  stopRtmpBroadcast: { request: z.object({ name: BroadcastNameSchema }), response: z.object({ egress: EgressStateSchema }) },
  stopAllRtmpBroadcasts: { request: Empty, response: z.object({ egress: EgressStateSchema }) },
  /** Changes the running composite's layout (`start-broadcast`); every output shows it, none reconnects. */
  setLayout: { request: SetLayoutBodySchema, response: z.object({ egress: EgressStateSchema }) },
  /** A single-use ticket to POST one logo image to `/v1/assets` (`start-broadcast`); then `setLayout` with `logo: {asset}`. */
  createLogoUpload: { request: Empty, response: z.object({ upload: AssetUploadTicketSchema }) },
  /** An HLS live stream of the room (`start-live-stream`); progress arrives as `egressUpdated` and `roomEvent`. */
  startLiveStream: { request: StartLiveStreamBodySchema, response: z.object({ live_stream: LiveStreamInfoSchema }) },
  /** Stops the room's live stream, or the one named by `id` (`stop-live-stream`). */
  stopLiveStream: { request: z.object({ id: LiveStreamIdSchema.optional() }).optional(), response: z.object({ live_stream: LiveStreamInfoSchema }) },
  /** The apps registered in MEDIA_APPS (ids and what each may receive; never secrets). */
  listMediaApps: { request: Empty, response: z.object({ apps: z.array(MediaAppInfoSchema) }) },
  /** Streams the room's media to an app: at once for `start-media-stream`, else per the server's participant policy. */
  startMediaStream: { request: StartMediaStreamBodySchema, response: StartMediaStreamResponseSchema },
  /** A moderator (`start-media-stream`) approves or refuses a participant's request. */
  answerMediaStreamRequest: {
    request: z.object({ request_id: MediaStreamRequestIdSchema, approve: z.boolean() }),
    response: z.object({ media_stream: MediaStreamInfoSchema.nullable() }),
  },
  /** Pause, resume or stop one of the room's media streams (`stop-media-stream`). */
  controlMediaStream: {
    request: z.object({ id: MediaStreamIdSchema, action: z.enum(['pause', 'resume', 'stop']) }),
    response: z.object({ media_stream: MediaStreamInfoSchema }),
  },
  /** Pause (or resume) your own session in every media stream of the room: your media stops going to apps. */
  setMediaStreamConsent: { request: z.object({ paused: z.boolean() }), response: Ok },
} as const;

export type Method = keyof typeof Requests;
export const MethodSchema = z.enum(Object.keys(Requests) as [Method, ...Method[]]);
export type RequestData<M extends Method> = z.input<(typeof Requests)[M]['request']>;
export type ResponseData<M extends Method> = z.infer<(typeof Requests)[M]['response']>;

/** The envelope every client message must match before its `data` is checked against its method. */
export const RequestEnvelopeSchema = z.object({
  id: z.union([z.number().int(), z.string().max(64)]),
  method: z.string().max(64),
  data: z.unknown().optional(),
});
export type RequestEnvelope = z.infer<typeof RequestEnvelopeSchema>;

export const ResponseEnvelopeSchema = z.union([
  z.object({ id: z.union([z.number(), z.string()]).nullable(), ok: z.literal(true), data: z.unknown() }),
  z.object({ id: z.union([z.number(), z.string()]).nullable(), ok: z.literal(false), error: ErrorDetailSchema }),
]);
export type ResponseEnvelope = z.infer<typeof ResponseEnvelopeSchema>;

export const ConsumerInfoSchema = z.object({
  id: z.string(),
  producerId: z.string(),
  participantId: z.string(),
  kind: MediaKindSchema,
  source: TrackSourceSchema,
  rtpParameters: JsonObjectSchema,
  producerPaused: z.boolean(),
});
export type ConsumerInfo = z.infer<typeof ConsumerInfoSchema>;

/** Server → client notifications, each with the schema of its `data`. */
export const Notifications = {
  participantJoined: z.object({ participant: ParticipantInfoSchema }),
  participantLeft: z.object({ participantId: z.string() }),
  /** A participant published, paused, resumed or closed a track. */
  participantUpdated: z.object({ participant: ParticipantInfoSchema }),
  /** A consumer was created for you, paused: set it up, then call `resumeConsumer`. */
  newConsumer: ConsumerInfoSchema,
  consumerClosed: z.object({ consumerId: z.string() }),
  consumerPaused: z.object({ consumerId: z.string() }),
  consumerResumed: z.object({ consumerId: z.string() }),
  producerClosed: z.object({ producerId: z.string() }),
  activeSpeaker: z.object({ participantId: z.string().nullable() }),
  egressUpdated: z.object({ egress: EgressStateSchema }),
  /** A room or egress event, for toasts and logs (same types as webhooks). */
  roomEvent: z.object({ type: z.string(), data: JsonObjectSchema }),
  /** The room is gone (deleted, or its media worker died). The socket closes after this. */
  roomClosed: z.object({ reason: z.enum(['deleted', 'worker_died', 'server_shutdown', 'empty']), message: z.string() }),
  /** To moderators: a participant asks to stream the room to an app; answer with `answerMediaStreamRequest`. */
  mediaStreamRequested: MediaStreamRequestedSchema,
  /** To the participant who asked (and the moderators): the answer. */
  mediaStreamRequestAnswered: MediaStreamRequestAnsweredSchema,
  /** Another connection joined with your identity; this one closes. */
  replaced: z.object({}),
} as const;

export type NotificationMethod = keyof typeof Notifications;
export type NotificationData<M extends NotificationMethod> = z.infer<(typeof Notifications)[M]>;

export const NotificationEnvelopeSchema = z.object({ method: z.string(), data: z.unknown() });

export { ProducerInfoSchema };

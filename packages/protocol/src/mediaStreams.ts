import { z } from 'zod';
import { IdentitySchema } from './common.js';

/*
 * Realtime media streams to registered apps, in the shape of Zoom RTMS so that an app written for
 * RTMS ports with few changes: REST `/v1/rooms/:room/media_streams`, `/v1/media_streams/:id`, a
 * signed `media_stream.started` webhook, a signaling WebSocket at `/rtms/signaling` and a media
 * WebSocket under `/rtms/media`. The message-type numbers are RTMS's own.
 */

/** RTMS `msg_type` numbers (the same integers as Zoom's RTMS, so app code ports unchanged). */
export const RtmsMsgType = {
  SIGNALING_HAND_SHAKE_REQ: 1,
  SIGNALING_HAND_SHAKE_RESP: 2,
  DATA_HAND_SHAKE_REQ: 3,
  DATA_HAND_SHAKE_RESP: 4,
  EVENT_SUBSCRIPTION: 5,
  EVENT_UPDATE: 6,
  CLIENT_READY_ACK: 7,
  STREAM_STATE_UPDATE: 8,
  SESSION_STATE_UPDATE: 9,
  KEEP_ALIVE_REQ: 12,
  KEEP_ALIVE_RESP: 13,
  MEDIA_DATA_AUDIO: 14,
  MEDIA_DATA_VIDEO: 15,
  MEDIA_DATA_TRANSCRIPT: 17,
} as const;
export type RtmsMsgTypeNumber = (typeof RtmsMsgType)[keyof typeof RtmsMsgType];

/** `status_code` of handshake replies (RTMS's numbering where RTMS has the case). */
export const RtmsStatus = {
  OK: 0,
  CONNECTION_TIMEOUT: 1,
  INVALID_JSON_MSG: 3,
  INVALID_MESSAGE_TYPE: 4,
  STREAM_NOT_FOUND: 7,
  SIGNATURE_INVALID: 8,
  INVALID_STREAM_ID: 9,
  DUPLICATE_SIGNAL_REQUEST: 10,
  STREAM_ENDED: 20,
  MEDIA_NOT_ALLOWED: 21,
  /** A transcript was asked for and no recognizer is configured or working. */
  TRANSCRIPT_UNAVAILABLE: 22,
  INTERNAL_ERROR: 50,
} as const;
export type RtmsStatusCode = (typeof RtmsStatus)[keyof typeof RtmsStatus];

/** WebSocket close codes of the RTMS sockets (4000–4999 is the application's range). */
export const RtmsCloseCode = {
  /** The handshake was refused (its reply says why). */
  refused: 4001,
  /** The stream ended: do not reconnect. */
  streamEnded: 4002,
  /** The app sends too many messages. */
  rateLimited: 4005,
  /** No handshake in time, or keep-alive requests went unanswered. */
  timeout: 4008,
} as const;

/**
 * `msg_type` of a refusal of one message after the handshake (RTMS's UNDEFINED): it collides with
 * no message the app otherwise receives. `{msg_type: 0, status_code, reason}`.
 */
export const RTMS_STATUS_NOTICE_TYPE = 0;

/** Stream and participant-session states: RTMS's names, and its numbers in socket messages. */
export const MediaStreamStateSchema = z.enum(['INACTIVE', 'INITIALIZE', 'STARTED', 'PAUSED', 'RESUMED', 'STOPPED']);
export type MediaStreamState = z.infer<typeof MediaStreamStateSchema>;
export const MEDIA_STREAM_STATE_NUMBER: Record<MediaStreamState, number> = {
  INACTIVE: 0,
  INITIALIZE: 1,
  STARTED: 2,
  PAUSED: 3,
  RESUMED: 4,
  STOPPED: 5,
};

/** `media_type` bit mask of the media handshake (RTMS's bits): what this media socket carries. */
export const RtmsMediaType = { AUDIO: 1, VIDEO: 2, TRANSCRIPT: 8, ALL: 32 } as const;

export const MediaStreamKindSchema = z.enum(['audio', 'video', 'transcript']);
export type MediaStreamKind = z.infer<typeof MediaStreamKindSchema>;

export const MediaStreamIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);
export const MediaAppIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/);

export const MediaStreamAudioOptionsSchema = z.strictObject({
  codec: z.enum(['pcm_s16le', 'opus']).default('pcm_s16le'),
  sample_rate: z.union([z.literal(16000), z.literal(48000)]).default(16000),
  channels: z.literal(1).default(1),
  /** One stream per participant (true, default) or the room's mix under user_id 0. */
  per_participant: z.boolean().default(true),
  /** `speech`: only frames of someone speaking (default); `always`: every 20 ms frame, silence included. */
  send: z.enum(['speech', 'always']).default('speech'),
});
export type MediaStreamAudioOptions = z.infer<typeof MediaStreamAudioOptionsSchema>;

export const MediaStreamVideoSourceSchema = z.union([
  z.literal('active_speaker'),
  z.strictObject({ participant: IdentitySchema }),
]);

export const MediaStreamVideoOptionsSchema = z.strictObject({
  codec: z.enum(['h264', 'jpeg']).default('h264'),
  /** Frames per second: default 15 for H.264, 1 for JPEG. */
  fps: z.number().int().min(1).max(30).optional(),
  /** Output width (height keeps the aspect ratio); default 640 for H.264, 320 for JPEG. */
  width: z.number().int().min(64).max(1920).multipleOf(2).optional(),
  source: MediaStreamVideoSourceSchema.default('active_speaker'),
});
export type MediaStreamVideoOptions = z.infer<typeof MediaStreamVideoOptionsSchema>;

export const StartMediaStreamBodySchema = z
  .strictObject({
    app: MediaAppIdSchema,
    audio: MediaStreamAudioOptionsSchema.optional(),
    video: MediaStreamVideoOptionsSchema.optional(),
    transcript: z.boolean().optional(),
  })
  .refine((b) => b.audio || b.video || b.transcript, { message: 'ask for at least one of audio, video, transcript' });
export type StartMediaStreamBody = z.infer<typeof StartMediaStreamBodySchema>;

export const MediaStreamStartedBySchema = z.object({
  type: z.enum(['api', 'participant', 'auto']),
  identity: z.string().optional(),
});

export const MediaStreamInfoSchema = z.object({
  id: MediaStreamIdSchema,
  app: MediaAppIdSchema,
  room: z.string(),
  state: MediaStreamStateSchema,
  /** What it carries: the options it was started with (defaults filled in). */
  audio: MediaStreamAudioOptionsSchema.nullable(),
  video: MediaStreamVideoOptionsSchema.nullable(),
  transcript: z.boolean(),
  started_by: MediaStreamStartedBySchema,
  created_at: z.string(),
  stopped_at: z.string().nullable(),
  /** Why it stopped (`stopped_by_api`, `room_closed`, `app_disconnected`, …); null while it runs. */
  reason: z.string().nullable(),
  /** The app's media sockets attached now. */
  connections: z.number().int(),
});
export type MediaStreamInfo = z.infer<typeof MediaStreamInfoSchema>;

export const MediaStreamListResponseSchema = z.object({ media_streams: z.array(MediaStreamInfoSchema) });

/*
 * Socket messages. Every message is a JSON object with an integer `msg_type`; media may instead be
 * binary frames (see the header below) when the app asked for `binary: true` in its media handshake.
 */

const HandshakeFields = {
  room_id: z.string().min(1).max(128),
  stream_id: MediaStreamIdSchema,
  /** hex HMAC-SHA256(client_secret, client_id + "," + room_id + "," + stream_id) */
  signature: z.string().min(1).max(128),
  protocol_version: z.number().int().optional(),
};

export const SignalingHandshakeSchema = z.object({ msg_type: z.literal(RtmsMsgType.SIGNALING_HAND_SHAKE_REQ), ...HandshakeFields });
export const MediaHandshakeSchema = z.object({
  msg_type: z.literal(RtmsMsgType.DATA_HAND_SHAKE_REQ),
  ...HandshakeFields,
  /** RtmsMediaType bits; default ALL (everything the stream carries). */
  media_type: z.number().int().min(1).max(63).optional(),
  payload_encryption: z.literal(false).optional(),
  /** Compact binary media frames instead of JSON with base64. */
  binary: z.boolean().optional(),
});
export const EventSubscriptionSchema = z.object({
  msg_type: z.literal(RtmsMsgType.EVENT_SUBSCRIPTION),
  events: z.array(z.enum(['participant_join', 'participant_leave', 'active_speaker_change'])).max(8),
});

/** Event types an app may subscribe to on the signaling socket (msg_type 5), sent as msg_type 6. */
export type RtmsEventType = 'participant_join' | 'participant_leave' | 'active_speaker_change' | 'media_dropped';

/** The JSON form of a media message (RTMS's shape): `data` is base64. */
export interface RtmsMediaMessage {
  msg_type: 14 | 15 | 17;
  content: {
    user_id: number;
    user_name: string;
    data: string;
    timestamp: number;
    /** video: the frame starts at a keyframe (H.264 IDR or any JPEG). */
    key_frame?: boolean;
    /** transcript only */
    start?: number;
    end?: number;
    final?: boolean;
  };
}

/**
 * Binary media frame (all integers big-endian):
 *   0  u8   version (1)
 *   1  u8   msg_type (14 audio, 15 video, 17 transcript)
 *   2  u8   flags: bit 0 keyframe, bit 1 final transcript
 *   3  u8   reserved (0)
 *   4  u32  user_id (0 = the room's mix)
 *   8  f64  timestamp, ms since the Unix epoch
 *  16  ...  payload: PCM/Opus/H.264 Annex B/JPEG bytes, or a transcript's UTF-8 JSON {text,start,end,final}
 */
export const BINARY_FRAME_VERSION = 1;
export const BINARY_FRAME_HEADER_BYTES = 16;

export interface BinaryMediaFrame {
  msgType: number;
  keyFrame: boolean;
  final: boolean;
  userId: number;
  timestamp: number;
  payload: Uint8Array;
}

/** DataView rather than Buffer: this package also runs in browsers. */
export function encodeBinaryFrame(frame: Omit<BinaryMediaFrame, 'final' | 'keyFrame'> & { keyFrame?: boolean; final?: boolean }): Uint8Array {
  const out = new Uint8Array(BINARY_FRAME_HEADER_BYTES + frame.payload.length);
  const view = new DataView(out.buffer);
  view.setUint8(0, BINARY_FRAME_VERSION);
  view.setUint8(1, frame.msgType);
  view.setUint8(2, (frame.keyFrame ? 1 : 0) | (frame.final ? 2 : 0));
  view.setUint32(4, frame.userId >>> 0);
  view.setFloat64(8, frame.timestamp);
  out.set(frame.payload, BINARY_FRAME_HEADER_BYTES);
  return out;
}

export function decodeBinaryFrame(bytes: Uint8Array): BinaryMediaFrame {
  if (bytes.length < BINARY_FRAME_HEADER_BYTES) throw new Error('binary media frame shorter than its header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== BINARY_FRAME_VERSION) throw new Error(`unknown binary media frame version ${view.getUint8(0)}`);
  const flags = view.getUint8(2);
  return {
    msgType: view.getUint8(1),
    keyFrame: (flags & 1) !== 0,
    final: (flags & 2) !== 0,
    userId: view.getUint32(4),
    timestamp: view.getFloat64(8),
    payload: bytes.subarray(BINARY_FRAME_HEADER_BYTES),
  };
}

/** hex HMAC-SHA256(client_secret, `${client_id},${room_id},${stream_id}`): what the handshakes carry. */
export function mediaStreamSignatureInput(clientId: string, roomId: string, streamId: string): string {
  return `${clientId},${roomId},${streamId}`;
}

/*
 * From the client SDK (signaling). A moderator (`start-media-stream`) starts one at once; a
 * participant's own request follows MEDIA_STREAM_PARTICIPANT_REQUESTS: started, held for a
 * moderator's answer (`mediaStreamRequested` goes to moderators), or refused.
 */
export const MediaAppInfoSchema = z.object({ id: MediaAppIdSchema, allow: z.array(MediaStreamKindSchema) });
export const MediaStreamRequestIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

export const StartMediaStreamResponseSchema = z.object({
  /** The stream, when it started now. */
  media_stream: MediaStreamInfoSchema.nullable(),
  /** Set when the request waits for a moderator's approval. */
  request_id: MediaStreamRequestIdSchema.optional(),
});

export const MediaStreamRequestedSchema = z.object({
  request_id: MediaStreamRequestIdSchema,
  app: MediaAppIdSchema,
  requested_by: z.object({ identity: z.string(), name: z.string() }),
  audio: z.boolean(),
  video: z.boolean(),
  transcript: z.boolean(),
});

export const MediaStreamRequestAnsweredSchema = z.object({
  request_id: MediaStreamRequestIdSchema,
  approved: z.boolean(),
  media_stream: MediaStreamInfoSchema.nullable(),
});

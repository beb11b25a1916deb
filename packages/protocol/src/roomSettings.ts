import { z } from 'zod';
import { CapabilitySchema, QualitySchema, RoomNameSchema } from './common.js';
import { LayoutSchema } from './layouts.js';
import { LiveStreamRecordingOptionsSchema, RenditionsSchema } from './liveStreams.js';
import { MediaAppIdSchema } from './mediaStreams.js';

/*
 * Room types (ROOM_TYPES_FILE) and per-room settings (`POST /v1/rooms {type, settings}`,
 * `PATCH /v1/rooms/:room {settings}`). A type and a room's settings have the same shape, every
 * field optional: the room's settings are deep-merged over its type, and a start request's own
 * fields win over both. A field left out keeps the server's behaviour without room types.
 */

const capabilities = z.array(CapabilitySchema).max(16);

export const RoomSettingsSchema = z.strictObject({
  broadcasting: z
    .strictObject({
      /** false: RTMP broadcasts and live streams of the room are refused (`broadcasting_disabled`). */
      enabled: z.boolean().optional(),
      rtmp: z.strictObject({ quality: QualitySchema.optional(), layout: LayoutSchema.optional() }).optional(),
      hls: z
        .strictObject({
          quality: QualitySchema.optional(),
          renditions: RenditionsSchema.optional(),
          recording: LiveStreamRecordingOptionsSchema.optional(),
        })
        .optional(),
    })
    .optional(),
  media_streams: z
    .strictObject({
      /** Apps of MEDIA_APPS that get a stream when a room of this type starts (besides their own `auto_start`). */
      auto_start: z.array(MediaAppIdSchema).max(64).optional(),
      /** A participant's own request from the SDK: started, held for a moderator, or refused (default MEDIA_STREAM_PARTICIPANT_REQUESTS). */
      participant_requests: z.enum(['allow', 'approval', 'deny']).optional(),
    })
    .optional(),
  limits: z
    .strictObject({
      /** Participants connected at once; the next one is refused with 429 `limit_exceeded`. */
      max_participants: z.number().int().min(1).max(10_000).optional(),
      /** Per participant (PARTICIPANT_MAX_TRANSPORTS / _PRODUCERS / _CONSUMERS). */
      max_transports: z.number().int().min(1).max(16).optional(),
      max_producers: z.number().int().min(1).max(16).optional(),
      max_consumers: z.number().int().min(1).max(10_000).optional(),
    })
    .optional(),
  /** Capabilities of each role in rooms of this type; a token's own `capabilities` still win. */
  roles: z
    .strictObject({ moderator: capabilities.optional(), participant: capabilities.optional(), viewer: capabilities.optional() })
    .optional(),
});
export type RoomSettings = z.infer<typeof RoomSettingsSchema>;

/** Type names share the room names' safe alphabet (they appear in URLs and logs). */
export const RoomTypeNameSchema = RoomNameSchema;

/** `PATCH /v1/rooms/:room`: settings deep-merged over the room's current ones. */
export const UpdateRoomBodySchema = z.strictObject({ settings: RoomSettingsSchema });
export type UpdateRoomBody = z.infer<typeof UpdateRoomBodySchema>;

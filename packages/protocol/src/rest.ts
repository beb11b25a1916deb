import { z } from 'zod';
import {
  CapabilitySchema,
  DisplayNameSchema,
  IdentitySchema,
  LayoutSchema,
  QualitySchema,
  RoleSchema,
  RoomNameSchema,
} from './common.js';
import { EgressStateSchema } from './egress.js';
import { RoomInfoSchema } from './room.js';

export const CreateRoomBodySchema = z.strictObject({ name: RoomNameSchema.optional() });
export type CreateRoomBody = z.infer<typeof CreateRoomBodySchema>;

export const RoomParamsSchema = z.object({ room: RoomNameSchema });

export const RoomResponseSchema = z.object({ room: RoomInfoSchema });
export type RoomResponse = z.infer<typeof RoomResponseSchema>;

export const RoomListResponseSchema = z.object({ rooms: z.array(RoomInfoSchema) });
export type RoomListResponse = z.infer<typeof RoomListResponseSchema>;

export const CreateTokenBodySchema = z.strictObject({
  identity: IdentitySchema,
  name: DisplayNameSchema.optional(),
  role: RoleSchema,
  capabilities: z.array(CapabilitySchema).max(16).optional(),
  ttl_seconds: z.number().int().min(60).max(7 * 24 * 3600).optional(),
});
export type CreateTokenBody = z.infer<typeof CreateTokenBodySchema>;

export const TokenResponseSchema = z.object({ token: z.string(), expires_at: z.string() });
export type TokenResponse = z.infer<typeof TokenResponseSchema>;

export const HealthResponseSchema = z.object({ status: z.literal('ok'), workers: z.number().int() });

/** Only rtmp:// and rtmps:// reach FFmpeg: `file:`, `pipe:`, `concat:`, `http:` would let a caller read or write our disk. */
export const StreamUrlSchema = z
  .string()
  .max(2048)
  .refine((url) => /^rtmps?:\/\/[^\s/?#]+/i.test(url), 'stream_url must be an rtmp:// or rtmps:// URL')
  .refine((url) => !/[\s\u0000-\u001f|]/.test(url), 'stream_url has forbidden characters');

export const BroadcastNameSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/);

export const RtmpDestinationSchema = z.strictObject({
  name: BroadcastNameSchema,
  stream_url: StreamUrlSchema,
  stream_key: z.string().max(1024).optional(),
});
export type RtmpDestination = z.infer<typeof RtmpDestinationSchema>;

export const StartRtmpBroadcastsBodySchema = z.strictObject({
  broadcasts: z.array(RtmpDestinationSchema).min(1).max(32),
  layout: LayoutSchema.optional(),
  quality: QualitySchema.optional(),
});
export type StartRtmpBroadcastsBody = z.infer<typeof StartRtmpBroadcastsBodySchema>;

export const BroadcastParamsSchema = z.object({ room: RoomNameSchema, name: BroadcastNameSchema });

/** What the broadcast calls return: the room's egress state (stream keys are never in it). */
export const EgressResponseSchema = z.object({ egress: EgressStateSchema });
export type EgressResponse = z.infer<typeof EgressResponseSchema>;


/** 204 responses carry no body. */
export const NoContentSchema = z.null();

/** Dev mode only (`POST /v1/demo/tokens`): the demo's lobby mints its own token. */
export const DemoTokenBodySchema = z.strictObject({
  room: RoomNameSchema,
  name: z.string().trim().min(1).max(64),
  role: RoleSchema,
});
export type DemoTokenBody = z.infer<typeof DemoTokenBodySchema>;

export const DemoTokenResponseSchema = z.object({ token: z.string(), room: RoomNameSchema });
export type DemoTokenResponse = z.infer<typeof DemoTokenResponseSchema>;

/** `GET /v1/demo`: tells the demo's lobby it may mint tokens (404 when not in dev mode). */
export const DemoInfoResponseSchema = z.object({ dev_mode: z.literal(true) });

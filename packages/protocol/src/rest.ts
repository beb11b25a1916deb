import { z } from 'zod';
import {
  CapabilitySchema,
  DisplayNameSchema,
  IdentitySchema,
  QualitySchema,
  RoleSchema,
  RoomNameSchema,
} from './common.js';
import { EgressStateSchema } from './egress.js';
import { LayoutSchema } from './layouts.js';
import { RoomInfoSchema } from './room.js';
import { RoomSettingsSchema, RoomTypeNameSchema } from './roomSettings.js';

export const CreateRoomBodySchema = z.strictObject({
  name: RoomNameSchema.optional(),
  /** A room type of ROOM_TYPES_FILE (default: its `default_type`); unknown: 400. */
  type: RoomTypeNameSchema.optional(),
  /** Overrides of the type's settings for this room (deep-merged over them). */
  settings: RoomSettingsSchema.optional(),
});
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

/** ROOMCAST_ROLE: `all` runs rooms and egress in one process; `sfu` and `egress` nodes share a Redis. */
export const NodeRoleSchema = z.enum(['all', 'sfu', 'egress']);
export type NodeRole = z.infer<typeof NodeRoleSchema>;

/** `cluster`: `off` without REDIS_URL; `down` while Redis is unreachable (the node keeps serving what it has). */
export const HealthResponseSchema = z.object({
  status: z.literal('ok'),
  workers: z.number().int(),
  role: NodeRoleSchema,
  cluster: z.enum(['off', 'up', 'down']),
});

/** scheme://host[:port] then a path, query or nothing: a host name, IPv4 or [IPv6], a port in 1..65535. */
const RTMP_URL = /^rtmps?:\/\/(?:\[[0-9a-f:.]+\]|[^/?#:[\]@]+)(?::(\d{1,5}))?(?:[/?#]|$)/i;

function isRtmpUrl(url: string): boolean {
  const match = RTMP_URL.exec(url);
  if (!match) return false;
  return match[1] === undefined || (Number(match[1]) >= 1 && Number(match[1]) <= 65535);
}

/**
 * Only rtmp:// and rtmps:// reach FFmpeg: `file:`, `pipe:`, `concat:`, `http:` would let a caller read or write our disk.
 * Printable ASCII only (no space, control character or `|`), no `user:password@` (a secret we could
 * not keep out of logs), and short enough for one line of the relay's option file (see relayArgs).
 * The scheme is lower-cased here: FFmpeg knows `rtmp`, not `RTMP`.
 */
export const StreamUrlSchema = z
  .string()
  .max(900)
  .refine((url) => /^[\x21-\x7e]*$/.test(url) && !url.includes('|'), 'stream_url has forbidden characters')
  .refine(isRtmpUrl, 'stream_url must be an rtmp:// or rtmps:// URL')
  .refine((url) => !/^[a-z]+:\/\/[^/?#]*@/i.test(url), 'stream_url must not contain a user name or password')
  .overwrite((url) => url.replace(/^rtmps?:/i, (scheme) => scheme.toLowerCase()));

/**
 * A stream key: printable ASCII without spaces (so it can never split a log line or an option line),
 * as long as any ingest service issues. Messages never echo the value.
 */
export const StreamKeySchema = z
  .string()
  .min(1)
  .max(512)
  .refine((key) => /^[\x21-\x7e]+$/.test(key), 'stream_key must be printable ASCII without spaces');

export const BroadcastNameSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/);

export const RtmpDestinationSchema = z.strictObject({
  name: BroadcastNameSchema,
  stream_url: StreamUrlSchema,
  stream_key: StreamKeySchema.optional(),
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

import { z } from 'zod';
import {
  DisplayNameSchema,
  IdentitySchema,
  MediaKindSchema,
  RoleSchema,
  RoomNameSchema,
  TrackSourceSchema,
} from './common.js';
import { EgressStateSchema } from './egress.js';
import { RoomSettingsSchema } from './roomSettings.js';

export const ProducerInfoSchema = z.object({
  id: z.string(),
  kind: MediaKindSchema,
  source: TrackSourceSchema,
  paused: z.boolean(),
});
export type ProducerInfo = z.infer<typeof ProducerInfoSchema>;

export const ParticipantInfoSchema = z.object({
  id: z.string(),
  identity: IdentitySchema,
  name: DisplayNameSchema,
  role: RoleSchema,
  joined_at: z.string(),
  producers: z.array(ProducerInfoSchema),
});
export type ParticipantInfo = z.infer<typeof ParticipantInfoSchema>;

export const RoomInfoSchema = z.object({
  name: RoomNameSchema,
  created_at: z.string(),
  participants: z.array(ParticipantInfoSchema),
  active_speaker: z.string().nullable(),
  egress: EgressStateSchema,
  /** The room's type (ROOM_TYPES_FILE; `default` without one) and its effective settings. */
  type: z.string(),
  settings: RoomSettingsSchema,
});
export type RoomInfo = z.infer<typeof RoomInfoSchema>;

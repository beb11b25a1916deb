import { z } from 'zod';
import { CapabilitySchema, DisplayNameSchema, IdentitySchema, RoleSchema, RoomNameSchema } from './common.js';

/** Claims of a participant token (HS256 JWT signed with the API secret, `iss` = API key). */
export const ParticipantClaimsSchema = z.object({
  sub: IdentitySchema,
  name: DisplayNameSchema.optional(),
  room: RoomNameSchema,
  role: RoleSchema,
  capabilities: z.array(CapabilitySchema).optional(),
  /** Only in tokens the server mints for itself (the web layout's recorder): subscribes, never listed, never announced. */
  hidden: z.boolean().optional(),
});
export type ParticipantClaims = z.infer<typeof ParticipantClaimsSchema>;

/** Claims of a management token: `grants.admin` must be true. */
export const AdminClaimsSchema = z.object({ grants: z.object({ admin: z.literal(true) }) });

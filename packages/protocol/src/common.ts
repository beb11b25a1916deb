import { z } from 'zod';

/** Room names appear in URLs, tokens and file paths we build: keep them to a safe alphabet. */
export const RoomNameSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only');

export const IdentitySchema = z.string().min(1).max(128);
export const DisplayNameSchema = z.string().max(128);

export const RoleSchema = z.enum(['moderator', 'participant', 'viewer']);
export type Role = z.infer<typeof RoleSchema>;

/** What a participant may do beyond its role's defaults (or instead of them, when given). */
export const CapabilitySchema = z.enum([
  'publish',
  'subscribe',
  'start-broadcast',
  'stop-broadcast',
  'start-live-stream',
  'stop-live-stream',
  'start-media-stream',
  'stop-media-stream',
]);
export type Capability = z.infer<typeof CapabilitySchema>;

export const MediaKindSchema = z.enum(['audio', 'video']);
export type MediaKind = z.infer<typeof MediaKindSchema>;

/** What a track is, so layouts can tell a camera from a screen share. */
export const TrackSourceSchema = z.enum(['camera', 'microphone', 'screen', 'screen-audio', 'synthetic']);
export type TrackSource = z.infer<typeof TrackSourceSchema>;

export const QualitySchema = z.enum([
  '360p',
  '480p',
  '720p',
  '1080p',
  '1440p',
  '360p-portrait',
  '480p-portrait',
  '720p-portrait',
  '1080p-portrait',
  '1440p-portrait',
]);
export type Quality = z.infer<typeof QualitySchema>;

/** Opaque JSON: RTP parameters, DTLS parameters and the like are mediasoup's to validate. */
export const JsonObjectSchema = z.record(z.string(), z.unknown());

import { z } from 'zod';

export const WebhookEventTypeSchema = z.enum([
  'room.started',
  'room.ended',
  'participant.joined',
  'participant.left',
  'rtmp_broadcast.started',
  'rtmp_broadcast.updated',
  'rtmp_broadcast.stopped',
  'rtmp_broadcast.failed',
  'live_stream.started',
  'live_stream.stopped',
  'live_stream.failed',
  /** The egress process running it died and a new one goes on with it (the playlist has a discontinuity). */
  'live_stream.resumed',
  'recording.ready',
  'media_stream.started',
  'media_stream.state_updated',
  'media_stream.stopped',
]);
export type WebhookEventType = z.infer<typeof WebhookEventTypeSchema>;

/**
 * POSTed to each configured webhook URL, with header
 * `Roomcast-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`.
 * Delivered at least once: receivers dedupe on `id`.
 */
export const WebhookEventSchema = z.object({
  id: z.string(),
  type: WebhookEventTypeSchema,
  created_at: z.string(),
  room_id: z.string(),
  data: z.record(z.string(), z.unknown()),
});
export type WebhookEvent = z.infer<typeof WebhookEventSchema>;

export const SIGNATURE_HEADER = 'Roomcast-Signature';

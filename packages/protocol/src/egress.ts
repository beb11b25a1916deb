import { z } from 'zod';
import { QualitySchema } from './common.js';
import { LayoutSchema } from './layouts.js';
import { LiveStreamActorSchema, LiveStreamInfoSchema } from './liveStreams.js';
import { MediaStreamInfoSchema } from './mediaStreams.js';

export const RtmpStatusSchema = z.enum(['starting', 'live', 'retrying', 'failed', 'stopped']);
export type RtmpStatus = z.infer<typeof RtmpStatusSchema>;

/** One RTMP(S) destination as the outside world sees it: the stream key is never included. */
export const RtmpBroadcastInfoSchema = z.object({
  name: z.string(),
  status: RtmpStatusSchema,
  started_at: z.string().nullable(),
  error: z.string().nullable(),
  retries: z.number().int(),
  /** Who started it: the management API, or a participant through the SDK (as for live streams). */
  started_by: LiveStreamActorSchema,
  /** Who stopped it (`system`: the room closed or the server stopped); null while on, or when it failed. */
  stopped_by: LiveStreamActorSchema.nullable(),
  /** When it stopped or failed for good. */
  stopped_at: z.string().nullable(),
});
export type RtmpBroadcastInfo = z.infer<typeof RtmpBroadcastInfoSchema>;

/** A room's egress at a glance: REST `GET /v1/rooms/:room` and the `egressUpdated` notification. */
export const EgressStateSchema = z.object({
  /** True while an RTMP destination or an HLS live stream is on. */
  broadcasting: z.boolean(),
  layout: LayoutSchema.nullable(),
  quality: QualitySchema.nullable(),
  rtmps: z.array(RtmpBroadcastInfoSchema),
  /** The room's live stream while it runs; a failed one stays listed until stopped or replaced. */
  live_streams: z.array(LiveStreamInfoSchema),
  media_streams: z.array(MediaStreamInfoSchema),
});
export type EgressState = z.infer<typeof EgressStateSchema>;

export function emptyEgressState(): EgressState {
  return { broadcasting: false, layout: null, quality: null, rtmps: [], live_streams: [], media_streams: [] };
}

import { z } from 'zod';
import { LayoutSchema, QualitySchema } from './common.js';
import { LiveStreamInfoSchema } from './liveStreams.js';

export const RtmpStatusSchema = z.enum(['starting', 'live', 'retrying', 'failed', 'stopped']);
export type RtmpStatus = z.infer<typeof RtmpStatusSchema>;

/** One RTMP(S) destination as the outside world sees it: the stream key is never included. */
export const RtmpBroadcastInfoSchema = z.object({
  name: z.string(),
  status: RtmpStatusSchema,
  started_at: z.string().nullable(),
  error: z.string().nullable(),
  retries: z.number().int(),
});
export type RtmpBroadcastInfo = z.infer<typeof RtmpBroadcastInfoSchema>;

export const MediaStreamInfoSchema = z.object({
  id: z.string(),
  status: z.string(),
});
export type MediaStreamInfo = z.infer<typeof MediaStreamInfoSchema>;

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

import { z } from 'zod';
import { LayoutSchema, QualitySchema } from './common.js';

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

export const LiveStreamStatusSchema = z.enum(['starting', 'running', 'stopping', 'stopped', 'failed']);
export type LiveStreamStatus = z.infer<typeof LiveStreamStatusSchema>;

export const LiveStreamInfoSchema = z.object({
  id: z.string(),
  room: z.string(),
  status: LiveStreamStatusSchema,
  quality: QualitySchema,
  playback: z.object({ url: z.string() }),
  recording: z
    .object({ hls_vod: z.boolean(), assets: z.array(z.object({ url: z.string(), duration_s: z.number() })) })
    .nullable(),
  started_at: z.string().nullable(),
  error: z.string().nullable(),
});
export type LiveStreamInfo = z.infer<typeof LiveStreamInfoSchema>;

export const MediaStreamInfoSchema = z.object({
  id: z.string(),
  status: z.string(),
});
export type MediaStreamInfo = z.infer<typeof MediaStreamInfoSchema>;

/** A room's egress at a glance: REST `GET /v1/rooms/:room` and the `egressUpdated` notification. */
export const EgressStateSchema = z.object({
  broadcasting: z.boolean(),
  layout: LayoutSchema.nullable(),
  quality: QualitySchema.nullable(),
  rtmps: z.array(RtmpBroadcastInfoSchema),
  live_streams: z.array(LiveStreamInfoSchema),
  media_streams: z.array(MediaStreamInfoSchema),
});
export type EgressState = z.infer<typeof EgressStateSchema>;

export function emptyEgressState(): EgressState {
  return { broadcasting: false, layout: null, quality: null, rtmps: [], live_streams: [], media_streams: [] };
}

import { z } from 'zod';
import { QualitySchema, RoomNameSchema } from './common.js';
import { LiveStreamIdSchema, RecordingAssetSchema } from './liveStreams.js';

/*
 * Recordings of live streams (`recording.hls_vod` / `recording.mp4`): REST `/v1/recordings`, files
 * served under `/recordings/:id/`. A recording's id is its live stream's id (random: the capability).
 */

/** recording → ready (every requested asset made) or failed (some could not be; `error` says why). */
export const RecordingStatusSchema = z.enum(['recording', 'ready', 'failed']);
export type RecordingStatus = z.infer<typeof RecordingStatusSchema>;

export const RecordingInfoSchema = z.object({
  id: LiveStreamIdSchema,
  live_stream_id: LiveStreamIdSchema,
  room: RoomNameSchema,
  created_at: z.string(),
  status: RecordingStatusSchema,
  renditions: z.array(QualitySchema),
  /** What was asked for at the start of the live stream. */
  requested: z.object({ hls_vod: z.boolean(), mp4: z.boolean() }),
  /** The finished assets only: a half-written file is never listed. */
  assets: z.array(RecordingAssetSchema),
  /** Why an asset is missing, as a fixed phrase; null when every asset was made. */
  error: z.string().nullable(),
});
export type RecordingInfo = z.infer<typeof RecordingInfoSchema>;

export const RecordingParamsSchema = z.object({ id: LiveStreamIdSchema });

export const RecordingListResponseSchema = z.object({ recordings: z.array(RecordingInfoSchema) });
export type RecordingListResponse = z.infer<typeof RecordingListResponseSchema>;

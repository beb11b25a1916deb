import { z } from 'zod';
import { IdentitySchema, QualitySchema, RoomNameSchema } from './common.js';
import { LayoutSchema } from './layouts.js';

/*
 * HLS live streams of a room's composite (REST `/v1/rooms/:room/live_streams`, `/v1/live_streams/:id`,
 * signaling `startLiveStream` / `stopLiveStream`). Playback is served under `/hls/:id/`.
 */

/** An ABR ladder: 1 to 8 qualities, each at most once (a live stream's, or a room's default). */
export const RenditionsSchema = z
  .array(QualitySchema)
  .min(1)
  .max(8)
  .refine((list) => new Set(list).size === list.length, { message: 'each rendition at most once' });

/** Ids are 128 random bits in base64url: the id is the capability to watch, so it must not be guessable. */
export const LiveStreamIdSchema = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

export const LiveStreamStatusSchema = z.enum(['starting', 'running', 'stopping', 'stopped', 'failed']);
export type LiveStreamStatus = z.infer<typeof LiveStreamStatusSchema>;

export const LiveStreamRecordingOptionsSchema = z.strictObject({
  /** Keep every segment and end the playlist with EXT-X-ENDLIST at stop: the live URL becomes a VOD. */
  hls_vod: z.boolean().optional(),
  /** A faststart MP4 remuxed from the recording (not available yet: refused with 400). */
  mp4: z.boolean().optional(),
});

export const StartLiveStreamBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(128).optional(),
  /** The composite's quality (default: the running composite's, else 720p); the top of the ladder. */
  quality: QualitySchema.optional(),
  layout: LayoutSchema.optional(),
  /**
   * The ABR ladder: which qualities to serve, each scaled from the composite (none above `quality`,
   * none in the other orientation: 409). Default: `quality` and each of 1080p, 720p, 360p below it.
   */
  renditions: RenditionsSchema.optional(),
  recording: LiveStreamRecordingOptionsSchema.optional(),
});
export type StartLiveStreamBody = z.infer<typeof StartLiveStreamBodySchema>;

/** Where an asset was uploaded (RECORDINGS_S3_BUCKET): the key of its master playlist or MP4; `url` when known. */
export const RecordingStorageSchema = z.object({
  bucket: z.string(),
  key: z.string(),
  url: z.string().optional(),
});
export type RecordingStorage = z.infer<typeof RecordingStorageSchema>;

export const RecordingAssetSchema = z.object({
  type: z.enum(['hls_vod', 'mp4']),
  url: z.string(),
  duration_s: z.number(),
  size_bytes: z.number().int(),
  /** Set once every file of the asset is in the bucket (uploads configured). */
  storage: RecordingStorageSchema.optional(),
  /** Why the upload failed, as a fixed phrase; the local files stay and are served. */
  storage_error: z.string().optional(),
});
export type RecordingAsset = z.infer<typeof RecordingAssetSchema>;

export const LiveStreamRecordingSchema = z.object({
  hls_vod: z.boolean(),
  mp4: z.boolean(),
  /** Listed once ready (`recording.ready`); empty while live. */
  assets: z.array(RecordingAssetSchema),
});
export type LiveStreamRecording = z.infer<typeof LiveStreamRecordingSchema>;

/** Who started or stopped a live stream: the management API, a participant (SDK), or the server itself. */
export const LiveStreamActorSchema = z.object({
  type: z.enum(['api', 'participant', 'system']),
  identity: IdentitySchema.nullable(),
});
export type LiveStreamActor = z.infer<typeof LiveStreamActorSchema>;

export const LiveStreamInfoSchema = z.object({
  id: LiveStreamIdSchema,
  name: z.string(),
  room: RoomNameSchema,
  status: LiveStreamStatusSchema,
  /** The master playlist: absolute when PUBLIC_URL is configured, else a path on this server. */
  playback: z.object({ url: z.string() }),
  renditions: z.array(QualitySchema),
  recording: LiveStreamRecordingSchema,
  created_at: z.string(),
  /** When every rendition had its first playable part (`running`). */
  started_at: z.string().nullable(),
  started_by: LiveStreamActorSchema,
  stopped_at: z.string().nullable(),
  stopped_by: LiveStreamActorSchema.nullable(),
  /** Why it failed, as a fixed phrase. */
  error: z.string().nullable(),
});
export type LiveStreamInfo = z.infer<typeof LiveStreamInfoSchema>;

export const LiveStreamParamsSchema = z.object({ id: LiveStreamIdSchema });

export const LiveStreamListResponseSchema = z.object({ live_streams: z.array(LiveStreamInfoSchema) });
export type LiveStreamListResponse = z.infer<typeof LiveStreamListResponseSchema>;

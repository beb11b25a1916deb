import { join } from 'node:path';
import { MediaAppIdSchema, MediaStreamIdSchema, MediaStreamStartedBySchema, StartMediaStreamBodySchema } from '@roomcast/protocol';
import { z } from 'zod';
import { JsonRecords } from '../records/JsonRecords.js';

/** The directory under the egress's data directory (HLS_DIR) with one record per running media stream. */
export const MEDIA_STREAM_RECORDS_DIR = 'media-streams';

/**
 * What a running media stream's record keeps: enough for the next egress process to start it again
 * under the same id (issue 13, Deliver 3), so that the app's client reconnects to it as after a
 * network drop, paused if it was and without the sessions their participants had paused. No
 * secret: the app is named, its credentials stay in MEDIA_APPS.
 */
export const MediaStreamRecordSchema = z.object({
  id: MediaStreamIdSchema,
  room: z.string().min(1),
  app: MediaAppIdSchema,
  body: StartMediaStreamBodySchema,
  started_by: MediaStreamStartedBySchema,
  /** Paused through the API: it comes back paused. */
  paused: z.boolean().optional(),
  /** Participants of the room who paused their own session (withdrew consent): they stay withheld. */
  paused_participants: z.array(z.string().min(1)).optional(),
});
export type MediaStreamRecord = z.infer<typeof MediaStreamRecordSchema>;

export function mediaStreamRecords(dataDir: string, log?: (error: unknown, what: string) => void): JsonRecords<MediaStreamRecord> {
  return new JsonRecords(join(dataDir, MEDIA_STREAM_RECORDS_DIR), MediaStreamRecordSchema, log, 'a media stream record');
}

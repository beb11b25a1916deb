import { LayoutSchema, type LiveStreamActor, type LiveStreamInfo, LiveStreamInfoSchema } from '@roomcast/protocol';
import { z } from 'zod';
import { JsonRecords } from '../records/JsonRecords.js';
import { SERVER_STOPPED } from '../recordings/RecordingStore.js';

/** The directory under HLS_DIR that holds one `<id>.json` per live stream (ids are base64url, never this name). */
export const RECORDS_DIR_NAME = 'live-streams';

/** A record on disk: the live stream as reported, and what a resumed one needs besides (its composite's layout). */
// A layout this version cannot read (an older one's) costs the layout, never the record.
const StoredLiveStreamSchema = LiveStreamInfoSchema.extend({ layout: LayoutSchema.optional().catch(undefined) });
export type StoredLiveStream = z.infer<typeof StoredLiveStreamSchema>;
const SYSTEM: LiveStreamActor = { type: 'system', identity: null };

/** A record a crash left in a state that is not final: stopped by the server, with the reason. */
export function recoveredRecord(info: LiveStreamInfo, at: Date): LiveStreamInfo {
  return { ...info, status: 'stopped', stopped_at: at.toISOString(), stopped_by: SYSTEM, error: SERVER_STOPPED };
}

/**
 * What a record keeps: URLs without a signature (HLS_SIGNED_URLS signs them as `?exp=&sig=`, afresh
 * at each read: a stored signature would expire).
 */
export function unsignedRecord(info: LiveStreamInfo): LiveStreamInfo {
  const bare = (url: string): string => url.split('?')[0]!;
  const assets = info.recording.assets.map((a) => ({ ...a, url: bare(a.url) }));
  return { ...info, playback: { url: bare(info.playback.url) }, recording: { ...info.recording, assets } };
}

/** A record as handed out: its URLs signed now (when URLs are signed). */
export function signedRecord(info: LiveStreamInfo, sign: ((url: string) => string) | undefined): LiveStreamInfo {
  if (!sign) return info;
  const assets = info.recording.assets.map((a) => ({ ...a, url: sign(a.url) }));
  return { ...info, playback: { url: sign(info.playback.url) }, recording: { ...info.recording, assets } };
}

export function isFinal(info: LiveStreamInfo): boolean {
  return info.status === 'stopped' || info.status === 'failed';
}

/**
 * Live stream records on disk (HLS_DIR/live-streams), so that a restarted server still answers for
 * the live streams of earlier runs (and a new egress process resumes those it may); oldest first.
 */
export class LiveStreamRecords {
  readonly #files: JsonRecords<StoredLiveStream>;

  constructor(dir: string, log?: (error: unknown, what: string) => void) {
    this.#files = new JsonRecords(dir, StoredLiveStreamSchema, log, 'a live stream record');
  }

  save(info: StoredLiveStream): Promise<void> {
    return this.#files.save(info);
  }

  remove(id: string): Promise<void> {
    return this.#files.remove(id);
  }

  /** Every valid record on disk, oldest first. */
  async load(): Promise<StoredLiveStream[]> {
    return (await this.#files.load()).sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  flush(): Promise<void> {
    return this.#files.flush();
  }
}

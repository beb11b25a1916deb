import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { LayoutSchema, type LiveStreamActor, type LiveStreamInfo, LiveStreamInfoSchema } from '@roomcast/protocol';
import { z } from 'zod';
import { readJson, writeJsonAtomically } from '../recordings/recordingState.js';
import { SERVER_STOPPED } from '../recordings/RecordingStore.js';

/** The directory under HLS_DIR that holds one `<id>.json` per live stream (ids are base64url, never this name). */
export const RECORDS_DIR_NAME = 'live-streams';

const RECORD = /^([A-Za-z0-9_-]{1,64})\.json$/;

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
 * Live stream records on disk, so that a restarted server still answers for the live streams of
 * earlier runs. Each write replaces the whole record atomically (temp + rename); writes of one
 * live stream run in order, so an older state never overwrites a newer one. Never rejects: a
 * failed write is logged and the live stream goes on (the record is a history, not the stream).
 */
export class LiveStreamRecords {
  readonly #queues = new Map<string, Promise<void>>();

  constructor(
    readonly dir: string,
    readonly log?: (error: unknown, what: string) => void,
  ) {}

  save(info: StoredLiveStream): Promise<void> {
    return this.#enqueue(info.id, 'write a live stream record', async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      await writeJsonAtomically(this.#path(info.id), info);
    });
  }

  remove(id: string): Promise<void> {
    return this.#enqueue(id, 'remove a live stream record', () => rm(this.#path(id), { force: true }));
  }

  /** Every valid record on disk, oldest first (unreadable or foreign files are skipped). */
  async load(): Promise<StoredLiveStream[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const found: StoredLiveStream[] = [];
    for (const name of names) {
      const id = RECORD.exec(name)?.[1];
      const parsed = id === undefined ? undefined : StoredLiveStreamSchema.safeParse(await readJson(this.#path(id)));
      if (parsed?.success && parsed.data.id === id) found.push(parsed.data);
    }
    return found.sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  /** Settles once every write queued so far is on disk (graceful shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.#queues.values()]);
  }

  #path(id: string): string {
    return join(this.dir, `${id}.json`);
  }

  #enqueue(id: string, what: string, work: () => Promise<void>): Promise<void> {
    const next: Promise<void> = (this.#queues.get(id) ?? Promise.resolve())
      .then(work)
      .catch((error: unknown) => this.log?.(error, what))
      .then(() => {
        if (this.#queues.get(id) === next) this.#queues.delete(id);
      });
    this.#queues.set(id, next);
    return next;
  }
}

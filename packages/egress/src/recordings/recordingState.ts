import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Quality, RecordingAsset, RecordingStatus } from '@roomcast/protocol';

export const STATE_NAME = 'recording.json';

/** What `recording.json` holds: enough for a restarted server to finish the recording alone. */
export interface RecordingState {
  id: string;
  live_stream_id: string;
  room: string;
  created_at: string;
  /** Top first; found on disk when the recording ends (each a directory with its media playlist). */
  renditions: Quality[];
  requested: { hls_vod: boolean; mp4: boolean };
  status: RecordingStatus;
  assets: RecordingAsset[];
  error: string | null;
  /** RECORDINGS_S3_BUCKET: `pending` until every asset was uploaded or failed to (a restart retries it). */
  upload?: 'pending' | 'done';
}

/** Write then rename: a crash leaves the old file or the new one, never half of either. */
export async function writeJsonAtomically(path: string, value: unknown): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.tmp`);
  await writeFile(temp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(temp, path);
}

/** The JSON in `path`, or undefined if there is none or it does not parse. */
export async function readJson(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function writeState(dir: string, state: RecordingState): Promise<void> {
  await writeJsonAtomically(join(dir, STATE_NAME), state);
}

/** The state in `dir`, or undefined if there is none or it is not a recording's. */
export async function readState(dir: string): Promise<RecordingState | undefined> {
  const state = (await readJson(join(dir, STATE_NAME))) as RecordingState | undefined;
  return typeof state?.id === 'string' && Array.isArray(state.renditions) ? state : undefined;
}

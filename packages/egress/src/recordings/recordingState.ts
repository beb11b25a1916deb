import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
}

/** Write then rename: a crash leaves the old state or the new one, never half of either. */
export async function writeState(dir: string, state: RecordingState): Promise<void> {
  const temp = join(dir, `.${STATE_NAME}.tmp`);
  await writeFile(temp, `${JSON.stringify(state, null, 2)}\n`);
  await rename(temp, join(dir, STATE_NAME));
}

/** The state in `dir`, or undefined if there is none or it is not a recording's. */
export async function readState(dir: string): Promise<RecordingState | undefined> {
  const text = await readFile(join(dir, STATE_NAME), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const state = JSON.parse(text) as RecordingState;
    return typeof state.id === 'string' && Array.isArray(state.renditions) ? state : undefined;
  } catch {
    return undefined;
  }
}

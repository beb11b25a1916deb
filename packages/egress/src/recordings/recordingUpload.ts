import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingAsset } from '@roomcast/protocol';
import { MASTER_NAME, MP4_NAME } from './recordingAssets.js';
import type { RecordingState } from './recordingState.js';
import type { S3Uploader } from './S3Uploader.js';

/**
 * Uploads a finished recording's assets; its assets with `storage` (or `storage_error`), or
 * undefined when a shutdown interrupted it (the recording stays `upload: pending`). With
 * RECORDINGS_S3_DELETE_LOCAL, once every asset is in the bucket the local media go and each
 * asset's URL becomes its object's.
 */
export async function uploadRecording(uploader: S3Uploader, dir: string, state: RecordingState): Promise<RecordingAsset[] | undefined> {
  const outcome = await uploader.upload(dir, state.id, state.renditions, state.assets);
  if (outcome.status === 'interrupted') return undefined;
  const allStored = outcome.assets.every((a) => a.storage?.url !== undefined);
  if (!uploader.options.deleteLocal || !allStored) return outcome.assets;
  try {
    await Promise.all([MASTER_NAME, MP4_NAME, ...state.renditions].map((name) => rm(join(dir, name), { recursive: true, force: true })));
  } catch (error) {
    // Some files may be left: they are still listed under this server, which serves what remains.
    uploader.options.log?.(error, `remove the local copy of recording ${state.id}`);
    return outcome.assets;
  }
  return outcome.assets.map((a) => ({ ...a, url: a.storage!.url! }));
}

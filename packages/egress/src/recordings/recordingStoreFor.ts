import { join } from 'node:path';
import type { EgressServiceOptions } from '../egressOptions.js';
import { ffmpegPath } from '../ffmpeg/ffmpegPath.js';
import { RecordingStore } from './RecordingStore.js';
import { S3Uploader } from './S3Uploader.js';

/** The egress's recordings: under RECORDINGS_DIR (default `<hlsDir>/recordings`), uploaded to S3 when configured. */
export function recordingStoreFor(options: EgressServiceOptions, hlsDir: string, log: (error: unknown, what: string) => void): RecordingStore {
  return new RecordingStore({
    dir: options.recordingsDir ?? join(hlsDir, 'recordings'),
    publicUrl: options.publicUrl,
    signUrl: options.signUrl,
    ffmpeg: ffmpegPath(),
    log,
    uploader: options.recordingsS3 && new S3Uploader({ ...options.recordingsS3, log }),
  });
}

import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { backoffDelay, type BackoffPolicy, type Quality, type RecordingAsset } from '@roomcast/protocol';
import { PLAYLIST_NAME } from '../hls/names.js';
import { MP4_NAME } from './recordingAssets.js';
import { assetEntry, contentTypeOf, hlsVodFiles, objectKey, objectUrl, type S3Location } from './s3Objects.js';

/** Fixed phrases for an upload that failed (users see these; the log gets the S3 status, never credentials). */
export const STORAGE_FAILURES = {
  unreachable: 'the S3 storage could not be reached',
  refused: 'the S3 storage refused the upload',
  missingFile: 'a file of the recording is missing',
} as const;

export interface S3UploaderOptions extends S3Location {
  /** Remove the local media once every asset is in the bucket (recording.json stays). */
  deleteLocal: boolean;
  /** Attempts per file (default 4), with backoff between them. */
  attempts?: number;
  retry?: BackoffPolicy;
  /** Files in flight at once (default 4). */
  concurrency?: number;
  log?: (error: unknown, what: string) => void;
}

/** How an upload of a recording ended: its assets (with `storage` or `storage_error`), or interrupted by shutdown. */
export type UploadOutcome = { status: 'done'; assets: RecordingAsset[] } | { status: 'interrupted' };

const DEFAULT_RETRY: BackoffPolicy = { initialDelayMs: 250, maxDelayMs: 2000, factor: 2, jitter: 0.2 };
/** Files above this go in parts (lib-storage); the S3 minimum part size is 5 MiB. */
const PART_SIZE = 8 * 1024 * 1024;

/** Why an upload failed, without anything the SDK attached (request ids, signatures, account details). */
class UploadFailure extends Error {
  constructor(
    readonly phrase: string,
    detail: string,
  ) {
    super(`${phrase}: ${detail}`);
  }
}

/**
 * Copies a finished recording's assets to an S3-compatible bucket (RECORDINGS_S3_*): every file of
 * each asset, a few at a time, each retried with backoff. Credentials come from the SDK's default
 * chain. `shutdown(graceMs)` bounds how long the server waits: then uploads are aborted, reported
 * `interrupted`, and retried at the next start.
 */
export class S3Uploader {
  readonly #client: S3Client;
  readonly #abort = new AbortController();

  constructor(readonly options: S3UploaderOptions) {
    this.#client = new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      // Our retries (with backoff and the shutdown's abort) are the only ones.
      maxAttempts: 1,
      requestHandler: { connectionTimeout: 5000, requestTimeout: 60_000 },
    });
  }

  /** The server stops: uploads get `graceMs` more, then are aborted. */
  shutdown(graceMs: number): void {
    if (this.#abort.signal.aborted) return;
    setTimeout(() => this.#abort.abort(), graceMs).unref();
  }

  /** Uploads every asset of the recording in `dir`; never rejects. */
  async upload(dir: string, id: string, renditions: Quality[], assets: RecordingAsset[]): Promise<UploadOutcome> {
    const done: RecordingAsset[] = [];
    for (const asset of assets) {
      if (this.#abort.signal.aborted) return { status: 'interrupted' };
      try {
        const files = asset.type === 'mp4' ? [MP4_NAME] : await this.#hlsFiles(dir, renditions);
        await this.#each(files, (file) => this.#putWithRetries(dir, id, file));
        const key = objectKey(this.options.prefix, id, assetEntry(asset.type));
        done.push({ ...asset, storage: { bucket: this.options.bucket, key, url: objectUrl(this.options, key) } });
      } catch (error) {
        if (this.#abort.signal.aborted) return { status: 'interrupted' };
        this.options.log?.(error, `upload recording ${id} to S3`);
        done.push({ ...asset, storage_error: error instanceof UploadFailure ? error.phrase : STORAGE_FAILURES.unreachable });
      }
    }
    return { status: 'done', assets: done };
  }

  close(): void {
    this.#abort.abort();
    this.#client.destroy();
  }

  async #hlsFiles(dir: string, renditions: Quality[]): Promise<string[]> {
    const playlists = [];
    for (const rendition of renditions) {
      const playlist = await readFile(join(dir, rendition, PLAYLIST_NAME), 'utf8').catch(() => {
        throw new UploadFailure(STORAGE_FAILURES.missingFile, `${rendition}/${PLAYLIST_NAME}`);
      });
      playlists.push({ rendition, playlist });
    }
    return hlsVodFiles(playlists);
  }

  /** Runs `work` over the files, `concurrency` at a time; the first failure stops taking new ones. */
  async #each(files: string[], work: (file: string) => Promise<void>): Promise<void> {
    const queue = [...files];
    let failure: unknown;
    const worker = async (): Promise<void> => {
      while (failure === undefined && queue.length > 0) {
        await work(queue.shift()!).catch((error: unknown) => {
          failure ??= error;
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 4, files.length) }, worker));
    if (failure !== undefined) throw failure;
  }

  async #putWithRetries(dir: string, id: string, file: string): Promise<void> {
    const attempts = this.options.attempts ?? 4;
    for (let attempt = 0; ; attempt += 1) {
      try {
        await this.#put(dir, id, file);
        return;
      } catch (error) {
        const failure = uploadFailureOf(error, file);
        const retryable = failure.phrase !== STORAGE_FAILURES.missingFile && !this.#abort.signal.aborted;
        if (!retryable || attempt + 1 >= attempts) throw failure;
        await abortableSleep(backoffDelay(attempt, this.options.retry ?? DEFAULT_RETRY), this.#abort.signal);
      }
    }
  }

  async #put(dir: string, id: string, file: string): Promise<void> {
    const path = join(dir, file);
    const { size } = await stat(path);
    const upload = new Upload({
      client: this.#client,
      params: { Bucket: this.options.bucket, Key: objectKey(this.options.prefix, id, file), Body: createReadStream(path), ContentType: contentTypeOf(file), ContentLength: size },
      partSize: PART_SIZE,
      queueSize: 2,
      leavePartsOnError: false,
    });
    const onAbort = (): void => void upload.abort().catch(() => undefined);
    this.#abort.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await upload.done();
    } finally {
      this.#abort.signal.removeEventListener('abort', onAbort);
    }
  }
}

/** A status from the store (it answered) or none (it could not be reached); a file we lack is ours. */
function uploadFailureOf(error: unknown, file: string): UploadFailure {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new UploadFailure(STORAGE_FAILURES.missingFile, file);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = error instanceof Error ? error.name : 'Error';
  if (status !== undefined) return new UploadFailure(STORAGE_FAILURES.refused, `${file}: HTTP ${status} ${name}`);
  return new UploadFailure(STORAGE_FAILURES.unreachable, `${file}: ${name} ${(error as NodeJS.ErrnoException).code ?? ''}`.trim());
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

import { access, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, type Quality, QualitySchema, type RecordingAsset, type RecordingInfo } from '@roomcast/protocol';
import { qualityPreset } from '../composite/presets.js';
import { parseMediaName, PLAYLIST_NAME } from '../hls/names.js';
import { assetFailureOf, type AssetOutcome, makeAssets, MASTER_NAME, MP4_NAME } from './recordingAssets.js';
import { readState, type RecordingState, writeState } from './recordingState.js';
import { uploadRecording } from './recordingUpload.js';
import type { S3Uploader } from './S3Uploader.js';

/** Why a recording found unfinished at start has an error (a fixed phrase). */
export const SERVER_STOPPED = 'the server stopped unexpectedly';

const ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface RecordingStoreOptions {
  /** RECORDINGS_DIR: one directory per recording, named by its live stream's id. */
  dir: string;
  /** Prefix of asset URLs (PUBLIC_URL); empty: paths on this server. */
  publicUrl?: string;
  /** Signs asset URLs handed out (HLS_SIGNED_URLS); what is stored stays unsigned. */
  signUrl?: (url: string) => string;
  ffmpeg: string;
  /** The operator's log: why an asset could not be made, in detail. */
  log?: (error: unknown, what: string) => void;
  /** RECORDINGS_S3_BUCKET: finished assets are uploaded before the recording is announced ready. */
  uploader?: S3Uploader;
}

/** Who must hear of a recording's end or deletion (the live stream records that link to it). */
export interface RecordingWatcher {
  finished(recording: RecordingInfo): void;
  deleted(id: string): void;
}

export interface NewRecording {
  id: string;
  room: string;
  createdAt: Date;
  requested: { hls_vod: boolean; mp4: boolean };
}

/**
 * The recordings under RECORDINGS_DIR: each a directory with its renditions, its assets and a
 * `recording.json` (written atomically) from which a restarted server can finish it. Knows
 * every recording on disk once `load()` ran; files are served only once a recording has ended.
 */
export class RecordingStore {
  readonly #states = new Map<string, RecordingState>();
  readonly #watchers = new Set<RecordingWatcher>();
  #loading: Promise<RecordingState[]> | undefined;

  constructor(readonly options: RecordingStoreOptions) {}

  watch(watcher: RecordingWatcher): void {
    this.#watchers.add(watcher);
  }

  dirOf(id: string): string {
    return join(this.options.dir, id);
  }

  /** Reads every recording.json (once: later calls get the same answer); returns the states a crash left unfinished (for `recover`). */
  load(): Promise<RecordingState[]> {
    this.#loading ??= this.#load();
    return this.#loading;
  }

  async #load(): Promise<RecordingState[]> {
    await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    const found: RecordingState[] = [];
    for (const name of await readdir(this.options.dir)) {
      const state = ID.test(name) ? await readState(this.dirOf(name)) : undefined;
      // One this server began meanwhile is its own, not a leftover.
      if (state?.id !== name || this.#states.has(name)) continue;
      this.#states.set(name, state);
      found.push(state);
    }
    return found.filter((s) => s.status === 'recording' || s.upload === 'pending');
  }

  /**
   * At start: every recording a crash left unfinished gets its playlists closed (ENDLIST) and its
   * assets made, with the reason as its error; `ready` hears of each.
   */
  async recover(ready: (recording: RecordingInfo) => void, resumed: ReadonlySet<string> = new Set()): Promise<void> {
    for (const state of await this.load()) {
      if (resumed.has(state.id)) continue;
      // Finished, but the last run stopped before its upload was done: upload again.
      const recording = state.status === 'recording' ? await this.finish(state.id, SERVER_STOPPED) : await this.#upload(state);
      if (recording && !this.uploadPending(state.id)) ready(recording);
    }
  }

  /**
   * A recording an earlier egress process left going, whose live stream resumes: its state is
   * known again (and `recover` leaves it alone, see EgressService). False if there is none to resume.
   */
  async resume(id: string): Promise<boolean> {
    if (!ID.test(id)) return false;
    const state = this.#states.get(id) ?? (await readState(this.dirOf(id)));
    if (state?.id !== id || state.status !== 'recording') return false;
    this.#states.set(id, state);
    return true;
  }

  /** True while a finished recording's upload was interrupted (shutdown): the next start retries it. */
  uploadPending(id: string): boolean {
    return this.#states.get(id)?.upload === 'pending';
  }

  /** A recorded live stream starts: its directory and state, or a coded error if it cannot be written. */
  async begin(recording: NewRecording): Promise<void> {
    const state: RecordingState = {
      id: recording.id,
      live_stream_id: recording.id,
      room: recording.room,
      created_at: recording.createdAt.toISOString(),
      renditions: [],
      requested: recording.requested,
      status: 'recording',
      assets: [],
      error: null,
    };
    try {
      await mkdir(this.dirOf(state.id), { recursive: true, mode: 0o700 });
      await writeState(this.dirOf(state.id), state);
    } catch (error) {
      this.options.log?.(error, 'write a recording state');
      throw new AppError('service_unavailable', assetFailureOf(error), { cause: error });
    }
    this.#states.set(state.id, state);
  }

  /**
   * The live stream ended (its playlists have ENDLIST, or a crash left them open): make the
   * assets, then mark the recording ready, or failed with the first reason. Never rejects.
   */
  async finish(id: string, error: string | null = null): Promise<RecordingInfo | undefined> {
    const state = this.#states.get(id);
    if (!state || state.status !== 'recording') return state && this.#signed(info(state));
    const dir = this.dirOf(id);
    state.renditions = await renditionsIn(dir);
    const context = { dir, baseUrl: `${this.options.publicUrl ?? ''}/recordings/${id}`, ffmpeg: this.options.ffmpeg, log: this.options.log };
    const outcome: AssetOutcome = await makeAssets(state, context).catch((failure: unknown) => {
      // Closing the top playlist itself failed (a full disk at recovery): no asset at all.
      this.options.log?.(failure, 'close a recording playlist');
      return { assets: [], error: assetFailureOf(failure) };
    });
    if (this.#states.get(id) !== state) return undefined; // deleted meanwhile
    state.assets = outcome.assets;
    state.error = outcome.error ?? error;
    state.status = outcome.error ? 'failed' : 'ready';
    if (this.options.uploader && state.assets.length > 0) state.upload = 'pending';
    await writeState(dir, state).catch((failure: unknown) => this.options.log?.(failure, 'write a recording state'));
    return this.#upload(state);
  }

  /** Uploads a finished recording's assets if configured, then tells the watchers. */
  async #upload(state: RecordingState): Promise<RecordingInfo | undefined> {
    const { uploader } = this.options;
    if (uploader && state.upload === 'pending') {
      const outcome = await uploadRecording(uploader, this.dirOf(state.id), state);
      if (this.#states.get(state.id) !== state) return undefined; // deleted meanwhile
      if (outcome) {
        state.assets = outcome;
        state.upload = 'done';
        await writeState(this.dirOf(state.id), state).catch((failure: unknown) => this.options.log?.(failure, 'write a recording state'));
      }
    }
    this.#tell((w) => w.finished(info(state)));
    return this.#signed(info(state));
  }

  /** A recorded live stream that never started: as if it had never been. */
  async discard(id: string): Promise<void> {
    if (this.#states.get(id)?.status !== 'recording') return;
    this.#states.delete(id);
    await rm(this.dirOf(id), { recursive: true, force: true });
  }

  list(): RecordingInfo[] {
    return [...this.#states.values()].sort((a, b) => a.created_at.localeCompare(b.created_at)).map((s) => this.#signed(info(s)));
  }

  get(id: string): RecordingInfo {
    const state = this.#states.get(id);
    if (!state) throw new AppError('not_found', `no recording ${id}`);
    return this.#signed(info(state));
  }

  /** Removes a recording and its files; refused while its live stream still records. */
  async delete(id: string): Promise<void> {
    const state = this.#states.get(id);
    if (!state) throw new AppError('not_found', `no recording ${id}`);
    if (state.status === 'recording') throw new AppError('conflict', `recording ${id} is still being made; stop its live stream first`);
    this.#states.delete(id);
    this.#tell((w) => w.deleted(id));
    await rm(this.dirOf(id), { recursive: true, force: true });
  }

  /**
   * Absolute path of an asset file of an ended recording (`master.m3u8`, `recording.mp4`,
   * `<rendition>/<media file>`), only among the assets it lists; undefined for anything else.
   */
  file(id: string, path: string): string | undefined {
    const state = this.#states.get(id);
    if (!state || state.status === 'recording') return undefined;
    const has = (type: 'hls_vod' | 'mp4'): boolean => state.assets.some((a) => a.type === type);
    if (path === MP4_NAME) return has('mp4') ? join(this.dirOf(id), MP4_NAME) : undefined;
    if (!has('hls_vod')) return undefined;
    if (path === MASTER_NAME) return join(this.dirOf(id), MASTER_NAME);
    const [rendition, name, ...rest] = path.split('/');
    const kind = name === undefined || rest.length > 0 ? undefined : parseMediaName(name)?.kind;
    if (!kind || kind === 'part' || !state.renditions.some((r) => r === rendition)) return undefined;
    return join(this.dirOf(id), rendition as Quality, name!);
  }

  /** What leaves the store carries signed URLs (fresh each time); what it keeps does not. */
  #signed(recording: RecordingInfo): RecordingInfo {
    const sign = this.options.signUrl;
    // An asset moved to the bucket (RECORDINGS_S3_DELETE_LOCAL) is not this server's to sign.
    const signed = (a: RecordingAsset): RecordingAsset => (a.storage?.url === a.url ? a : { ...a, url: sign!(a.url) });
    return sign ? { ...recording, assets: recording.assets.map(signed) } : recording;
  }

  /** A watcher that throws must not break the store (nor the other watchers). */
  #tell(call: (watcher: RecordingWatcher) => void): void {
    for (const watcher of this.#watchers) {
      try {
        call(watcher);
      } catch (error) {
        this.options.log?.(error, 'tell a recording watcher');
      }
    }
  }
}

function info(state: RecordingState): RecordingInfo {
  return {
    id: state.id,
    live_stream_id: state.live_stream_id,
    room: state.room,
    created_at: state.created_at,
    status: state.status,
    renditions: [...state.renditions],
    requested: { ...state.requested },
    assets: state.assets.map((a) => ({ ...a })),
    error: state.error,
  };
}

/** The renditions a recording's directory holds (those with a media playlist), top first. */
async function renditionsIn(dir: string): Promise<Quality[]> {
  const found: Quality[] = [];
  for (const name of await readdir(dir).catch(() => [])) {
    const quality = QualitySchema.safeParse(name);
    if (!quality.success) continue;
    const playlist = await access(join(dir, name, PLAYLIST_NAME)).then(() => true, () => false);
    if (playlist) found.push(quality.data);
  }
  return found.sort((a, b) => qualityPreset(b).height - qualityPreset(a).height);
}

import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { LiveStreamInfo, RecordingInfo } from '@roomcast/protocol';
import { isFinal, LiveStreamRecords, RECORDS_DIR_NAME, recoveredRecord, type StoredLiveStream } from './LiveStreamRecords.js';

export interface Recovery {
  /** Left active by a crash, now stopped by the system with the reason (for `live_stream.stopped`). */
  recovered: LiveStreamInfo[];
  /** Left active by an egress process that died, in rooms still open: the caller resumes them. */
  resumed: StoredLiveStream[];
}

export interface LiveStreamHistoryOptions {
  /** HLS_DIR: the records go in its `live-streams/`; a crashed unrecorded stream's files are removed from it. */
  hlsDir: string;
  log?: (error: unknown, what: string) => void;
}

/**
 * The live streams of earlier runs of this server, read from their records at start, and the
 * records of this run's live streams as they change. A record a crash left active is stopped
 * here, with the reason; its recording's assets are linked once the recording store has
 * finished it (recovery remuxes it meanwhile).
 */
export class LiveStreamHistory {
  readonly #records: LiveStreamRecords;
  /** Live streams of earlier runs, all ended, oldest first. */
  readonly #earlier = new Map<string, LiveStreamInfo>();
  /** Recordings finished before the records were read (recovery raced us); dropped once they are. */
  #finishedEarly: Map<string, RecordingInfo> | undefined = new Map();

  constructor(readonly options: LiveStreamHistoryOptions) {
    this.#records = new LiveStreamRecords(join(options.hlsDir, RECORDS_DIR_NAME), options.log);
  }

  get size(): number {
    return this.#earlier.size;
  }

  /** This run's live stream changed status (or got its assets): its record follows. Never rejects. */
  save(info: StoredLiveStream): Promise<void> {
    return this.#records.save(info);
  }

  /** A live stream of this run that never was (its start failed), or one forgotten. */
  remove(id: string): Promise<void> {
    return this.#records.remove(id);
  }

  flush(): Promise<void> {
    return this.#records.flush();
  }

  get(id: string): LiveStreamInfo | undefined {
    const info = this.#earlier.get(id);
    return info && structuredClone(info);
  }

  inRoom(roomName: string): LiveStreamInfo[] {
    return [...this.#earlier.values()].filter((info) => info.room === roomName).map((info) => structuredClone(info));
  }

  /**
   * Reads every record; those a crash left starting or running that `resumable` accepts are
   * returned to be resumed; the others it left starting, running or stopping become `stopped` by
   * the system with the reason, and are returned (for `live_stream.stopped`) once their record says so.
   */
  async recover(resumable: (record: StoredLiveStream) => boolean = () => false): Promise<Recovery> {
    const now = new Date();
    const recovered: LiveStreamInfo[] = [];
    const resumed: StoredLiveStream[] = [];
    for (const stored of await this.#records.load()) {
      if (this.#earlier.has(stored.id)) continue;
      if (!isFinal(stored) && stored.status !== 'stopping' && resumable(stored)) {
        resumed.push(stored);
        continue;
      }
      const { layout: _layout, ...record } = stored;
      const info = isFinal(record) ? record : recoveredRecord(record, now);
      this.#earlier.set(info.id, info);
      if (info === record) continue;
      recovered.push(info);
      const recorded = info.recording.hls_vod || info.recording.mp4;
      // An unrecorded stream's segments are of no use to anyone now (a recorded one's are the recording's).
      if (!recorded) await rm(join(this.options.hlsDir, info.id), { recursive: true, force: true }).catch((e: unknown) => this.options.log?.(e, 'remove a crashed live stream'));
      const finished = this.#finishedEarly?.get(info.id);
      if (finished) this.recordingFinished(finished);
    }
    this.#finishedEarly = undefined;
    await Promise.all(recovered.map((info) => this.#records.save(info)));
    return { recovered: recovered.map((info) => structuredClone(info)), resumed };
  }

  /** The recording store finished a recording: an earlier live stream of it lists its assets. */
  recordingFinished(recording: RecordingInfo): void {
    if (recording.status === 'recording') return;
    const info = this.#earlier.get(recording.live_stream_id);
    if (!info) {
      this.#finishedEarly?.set(recording.live_stream_id, recording);
      return;
    }
    info.recording.assets = recording.assets.map((a) => ({ ...a }));
    void this.#records.save(info); // never rejects: a failed write is logged
  }

  /** The recording was deleted: the earlier live stream it belonged to goes with it. */
  forget(id: string): void {
    if (this.#earlier.delete(id)) void this.#records.remove(id); // never rejects
  }

  /** Forgets up to `count` of the oldest earlier live streams (history bound); returns how many. */
  forgetOldest(count: number): number {
    const oldest = [...this.#earlier.keys()].slice(0, Math.max(0, count));
    for (const id of oldest) this.forget(id);
    return oldest.length;
  }
}

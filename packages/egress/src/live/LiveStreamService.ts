import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AppError,
  type LiveStreamActor,
  type LiveStreamInfo,
  type Quality,
  type StartLiveStreamBody,
} from '@roomcast/protocol';
import type { RoomView } from '@roomcast/sfu';
import type { CompositeView } from '../composite/CompositeRequest.js';
import { LiveStream, type LiveStreamOutcome } from './LiveStream.js';
import { liveStreamSpec, openRoom, resumeFailure } from './liveStreamSpec.js';
import type { LivePlayback, LiveStreamServiceOptions } from './liveStreamHost.js';
import { liveStreamQuality, renditionOptions } from './liveStreamRequest.js';
import { liveStreamLadder } from './ladder.js';
import { LiveLadder } from './LiveLadder.js';
import { beginRecording, discardRecording, finishRecording, requestedRecording } from './liveRecording.js';
import { LiveStreamHistory } from './LiveStreamHistory.js';
import { assertBroadcastingEnabled, liveStreamWithDefaults } from '../roomDefaults.js';
import { signedRecord, type StoredLiveStream, unsignedRecord } from './LiveStreamRecords.js';

export type { LiveStreamHost, LiveStreamServiceOptions, LivePlayback } from './liveStreamHost.js';

const SYSTEM: LiveStreamActor = { type: 'system', identity: null };

/**
 * HLS live streams of rooms, one per room at a time, each an output of the room's composite that
 * keeps it alive. Validates before changing anything; reports every transition to the room and
 * webhooks (`live_stream.started|stopped|failed`) and in the room's egress state.
 */
export class LiveStreamService {
  /** Every live stream still known (ended ones up to the history limit), by id, oldest first. */
  readonly #streams = new Map<string, LiveStream>();
  /** The room's listed live stream: active, or failed until stopped or replaced. */
  readonly #byRoom = new Map<string, LiveStream>();
  /** Records on disk (HLS_DIR/live-streams), and the live streams of earlier runs read from them. */
  readonly #history: LiveStreamHistory;
  /**
   * Settles once the records were read, with the ids of the live streams resumed from them: the
   * recording store must not finish those recordings (they go on).
   */
  readonly recovery: Promise<ReadonlySet<string>>;

  constructor(readonly options: LiveStreamServiceOptions) {
    // A record that cannot be written is reported like any background failure; the stream goes on.
    const log = (error: unknown, what: string): void => options.host.own(Promise.reject(error), what);
    this.#history = new LiveStreamHistory({ hlsDir: options.hlsDir, log });
    options.recordings?.watch({
      finished: (recording) => this.#history.recordingFinished(recording),
      deleted: (id) => this.#recordingDeleted(id),
    });
    this.recovery = this.#recover().catch((error: unknown) => {
      options.host.own(Promise.reject(error), 'recover live streams');
      return new Set<string>();
    });
  }

  /** True while the room has a live stream that needs its composite. */
  keepsAlive(roomName: string): boolean {
    return this.#byRoom.get(roomName)?.active ?? false;
  }

  /** For the room's egress state. */
  listed(roomName: string): LiveStreamInfo[] {
    const stream = this.#byRoom.get(roomName);
    return stream ? [stream.info()] : [];
  }

  get(id: string): LiveStreamInfo {
    const earlier = this.#streams.has(id) ? undefined : this.#history.get(id);
    return earlier ? signedRecord(earlier, this.options.signUrl) : this.#find(id).info();
  }

  /** Every known live stream of an open room (those of earlier runs first), oldest first. */
  list(roomName: string): LiveStreamInfo[] {
    const room = this.options.host.room(roomName);
    const current = [...this.#streams.values()].filter((s) => s.room === room).map((s) => s.info());
    return [...this.#history.inRoom(roomName).map((info) => signedRecord(info, this.options.signUrl)), ...current];
  }

  async start(roomName: string, requested: StartLiveStreamBody, by: LiveStreamActor): Promise<LiveStreamInfo> {
    const room = this.options.host.room(roomName);
    assertBroadcastingEnabled(room);
    // The room's settings (its type's, then its own) fill what the request leaves out.
    const { body, fallbackQuality } = liveStreamWithDefaults(requested, room.settings);
    const id = randomBytes(16).toString('base64url');
    const recording = requestedRecording(body);
    const stream = new LiveStream(liveStreamSpec(this.options, { id, name: body.name ?? room.name, room, recording, startedBy: by }));
    stream.layout = body.layout;
    // First: a recordings directory that cannot be written refuses the start before anything runs.
    await beginRecording(this.options.recordings, stream);
    await this.#openedOrForgotten(stream, this.#open(stream, body, fallbackQuality));
    this.options.host.publish(room);
    return stream.info();
  }

  /** Waits for a start; one that failed is forgotten as if it never was (its recording too), and rethrown. */
  async #openedOrForgotten(stream: LiveStream, opening: Promise<void>): Promise<void> {
    try {
      await watchOpening(stream, opening);
    } catch (error) {
      await this.#abandon(stream);
      if (!stream.ending) await discardRecording(this.options.recordings, stream);
      throw error;
    }
  }

  async stop(id: string, by: LiveStreamActor): Promise<LiveStreamInfo> {
    return this.#stop(this.#find(id), by);
  }

  /** The SDK's stop: the room's listed live stream, or the one with this id if it is the room's. */
  async stopInRoom(roomName: string, id: string | undefined, by: LiveStreamActor): Promise<LiveStreamInfo> {
    const stream = id === undefined ? this.#byRoom.get(roomName) : this.#streams.get(id);
    if (!stream || stream.room.name !== roomName) throw new AppError('egress_not_found', `no such live stream in room ${roomName}`);
    return this.#stop(stream, by);
  }

  playback(id: string): LivePlayback | undefined {
    const stream = this.#streams.get(id);
    if (!stream?.rendition) return undefined;
    return {
      ready: (timeoutMs) => this.#firstPart(stream, timeoutMs),
      master: () => this.#master(stream),
      rendition: (name) => stream.rendition?.rendition(name),
    };
  }

  /** The room closed, or its composite failed for good: its live stream fails with that reason. */
  async failRoom(room: RoomView, reason: string): Promise<void> {
    const stream = this.#byRoom.get(room.name);
    if (stream?.room === room && stream.active) await this.#end(stream, { status: 'failed', reason });
  }

  /** Graceful shutdown: every live stream stops and finalizes (ENDLIST for recordings). */
  async close(): Promise<void> {
    const active = [...this.#byRoom.values()].filter((s) => s.active);
    await Promise.all(active.map((s) => this.#end(s, { status: 'stopped', by: SYSTEM })));
    // Their final records on disk: the next start must not take them for a crash's leftovers.
    await this.#history.flush();
  }

  /**
   * At start: the live streams a dead egress process left active in rooms that are still open go
   * on (a new egress process in `child` mode is fed the SFU's rooms before it starts); those a
   * crash left elsewhere are stopped, with the reason, and reported.
   */
  async #recover(): Promise<ReadonlySet<string>> {
    const { recovered, resumed } = await this.#history.recover((record) => openRoom(this.options.host, record.room) !== undefined);
    for (const info of recovered) this.options.host.recovered?.(signedRecord(info, this.options.signUrl));
    for (const record of resumed) this.options.host.own(this.#resume(record), 'resume a live stream');
    this.#forgetOld();
    return new Set(resumed.map((record) => record.id));
  }

  /** The room's composite changed layout: the active live stream's record keeps it. */
  layoutChanged(room: RoomView): void {
    const stream = this.#byRoom.get(room.name);
    if (stream?.room === room && stream.active) this.#persist(stream);
  }

  /** Goes on with a live stream of a dead egress process: same id, URLs and recording; its renditions resume their playlists. */
  async #resume(record: StoredLiveStream): Promise<void> {
    const room = openRoom(this.options.host, record.room);
    if (!room) return;
    const stream = this.#resumed(record, room, false);
    if (stream.recorded) await this.options.recordings?.resume(stream.id);
    await this.#reopen(stream, record).catch((error: unknown) => this.#end(stream, { status: 'failed', reason: resumeFailure(error) }));
    if (!room.closed) this.options.host.publish(room);
  }

  /**
   * Goes on with a live stream of an egress node that was lost (issue 13, asked by the room's SFU
   * node): same id, playback URL and starter; none of its files are here, so its renditions go on
   * past its segments after a discontinuity, and its recording keeps what is made from now on.
   */
  async adopt(roomName: string, record: StoredLiveStream): Promise<LiveStreamInfo> {
    if (record.room !== roomName) throw new AppError('bad_request', `live stream ${record.id} is not of room ${roomName}`);
    if (this.#streams.has(record.id)) throw new AppError('conflict', `live stream ${record.id} already runs here`);
    const room = this.options.host.room(roomName);
    const stream = this.#resumed(record, room, true);
    await beginRecording(this.options.recordings, stream);
    // One that fails is as if never adopted: the SFU node reports it failed, with the lost node.
    await this.#openedOrForgotten(stream, this.#reopen(stream, record));
    this.options.host.publish(room);
    return stream.info();
  }

  #resumed(record: StoredLiveStream, room: RoomView, elsewhere: boolean): LiveStream {
    const recording = { hls_vod: record.recording.hls_vod, mp4: record.recording.mp4 };
    const stream = new LiveStream({
      ...liveStreamSpec(this.options, { id: record.id, name: record.name, room, recording, startedBy: record.started_by }),
      resumed: { createdAt: new Date(record.created_at), startedAt: record.started_at ? new Date(record.started_at) : null, elsewhere },
    });
    stream.layout = record.layout;
    return stream;
  }

  /** Registers a resumed stream and opens its renditions as the record had them. */
  #reopen(stream: LiveStream, record: StoredLiveStream): Promise<void> {
    this.#register(stream);
    const recording = { hls_vod: record.recording.hls_vod, mp4: record.recording.mp4 };
    return watchOpening(stream, this.#open(stream, { name: record.name, quality: record.renditions[0], renditions: record.renditions, layout: record.layout, recording }));
  }

  /** Its recording was deleted: an ended live stream goes with it (record and history). */
  #recordingDeleted(id: string): void {
    const stream = this.#streams.get(id);
    if (stream && !stream.active) {
      this.#streams.delete(id);
      if (this.#byRoom.get(stream.room.name) === stream) this.#byRoom.delete(stream.room.name);
      if (!stream.room.closed) this.options.host.publish(stream.room);
      this.#persist(stream, 'remove');
    }
    this.#history.forget(id);
  }

  /** Its record follows its status (or is removed); the write is owned, in order, and never blocks it. */
  #persist(stream: LiveStream, what: 'save' | 'remove' = 'save'): void {
    if (stream.active) stream.layout = this.options.host.layoutOf?.(stream.room) ?? stream.layout;
    const record = { ...unsignedRecord(stream.info()), ...(stream.layout === undefined ? {} : { layout: stream.layout }) };
    const task = what === 'save' ? this.#history.save(record) : this.#history.remove(stream.id);
    this.options.host.own(task, 'persist a live stream record');
  }

  /** Claims the composite (validating first), then starts one rendition per quality of the ladder, each on its encode. */
  async #open(stream: LiveStream, body: StartLiveStreamBody, fallbackQuality?: Quality): Promise<void> {
    const { room } = stream;
    const composite = await this.options.host.composite(room, {
      check: (running) => {
        const quality = liveStreamQuality(body, running?.quality, fallbackQuality);
        const renditions = liveStreamLadder(quality, body.renditions);
        const current = this.#byRoom.get(room.name);
        if (current?.active && current !== stream) throw new AppError('conflict', `room ${room.name} already has a live stream (${current.id}); stop it first`);
        stream.quality = quality;
        stream.renditions = renditions;
        return { layout: body.layout, quality };
      },
      claim: () => this.#register(stream),
    });
    // Each await below may see a stop, a failure or the room closing: the ending cleans up.
    if (stream.ending || !stream.quality) return;
    const ladder = new LiveLadder(stream.renditions);
    stream.rendition = ladder;
    // The rungs start together; a failed one fails the start only once every other has settled,
    // so the ladder (stopped by whoever ends the stream) owns everything that did start.
    const opened = await Promise.allSettled(stream.renditions.map((quality) => this.#openRung(stream, ladder, composite, quality)));
    const failure = opened.find((result) => result.status === 'rejected');
    if (failure) throw failure.reason;
    if (ladder.ready) this.#onRunning(stream);
  }

  /** One rendition of the ladder, reading the encode of its quality (scaled from the composite when lower). */
  async #openRung(stream: LiveStream, ladder: LiveLadder, composite: CompositeView, quality: Quality): Promise<void> {
    const dir = join(stream.spec.dir, quality);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (stream.ending || composite.stopped) return;
    const lease = await composite.encodeFor(quality);
    if (!(await ladder.keep(lease)) || stream.ending) return;
    const options = { ...renditionOptions(quality, dir, stream.recorded), log: this.options.log, ...stream.renditionResume() };
    const rendition = await this.options.hls.start(lease.fanout, options);
    if (!(await ladder.add(quality, rendition))) return;
    rendition.on('firstPart', () => {
      if (ladder.ready) this.#onRunning(stream);
    });
    rendition.on('failed', (reason) => this.options.host.own(this.#end(stream, { status: 'failed', reason }), 'end a failed live stream'));
  }

  #register(stream: LiveStream): void {
    this.#streams.set(stream.id, stream);
    this.#byRoom.set(stream.room.name, stream);
    this.#persist(stream);
  }

  /** A start that failed: forget it as if it never was, unless a stop or failure already owns it. */
  async #abandon(stream: LiveStream): Promise<void> {
    if (this.#streams.get(stream.id) !== stream || stream.ending) return;
    this.#streams.delete(stream.id);
    if (this.#byRoom.get(stream.room.name) === stream) this.#byRoom.delete(stream.room.name);
    this.#persist(stream, 'remove');
    await this.#stopRendition(stream);
    stream.rendition = undefined;
    await rm(stream.spec.dir, { recursive: true, force: true });
    await this.options.host.release(stream.room);
    this.options.host.publish(stream.room);
  }

  #onRunning(stream: LiveStream): void {
    if (stream.ending || !stream.markRunning()) return;
    this.#persist(stream);
    this.options.host.event(stream.room, stream.resumed ? 'live_stream.resumed' : 'live_stream.started', { live_stream: stream.info() });
    this.options.host.publish(stream.room);
  }

  async #stop(stream: LiveStream, by: LiveStreamActor): Promise<LiveStreamInfo> {
    if (stream.active) {
      await this.#end(stream, { status: 'stopped', by });
    } else if (this.#byRoom.get(stream.room.name) === stream) {
      // A failed stream stays listed until someone acknowledges it with a stop.
      this.#byRoom.delete(stream.room.name);
      if (!stream.room.closed) this.options.host.publish(stream.room);
    }
    return stream.info();
  }

  /** Ends a live stream once; later calls wait for the first. */
  #end(stream: LiveStream, outcome: LiveStreamOutcome): Promise<void> {
    if (stream.ending) return stream.ending;
    if (outcome.status === 'stopped') {
      stream.markStopping(outcome.by);
      this.#persist(stream);
      this.options.host.publish(stream.room);
    }
    stream.ending = this.#finish(stream, outcome);
    return stream.ending;
  }

  async #finish(stream: LiveStream, outcome: LiveStreamOutcome): Promise<void> {
    const { room } = stream;
    await stream.opening;
    await this.#stopRendition(stream);
    stream.markEnded(outcome);
    this.#persist(stream);
    // A stop on request unlists it; a failure stays listed (with its reason) until stopped or replaced.
    if (outcome.status === 'stopped' && this.#byRoom.get(room.name) === stream) this.#byRoom.delete(room.name);
    const info = stream.info();
    if (outcome.status === 'stopped') this.options.host.event(room, 'live_stream.stopped', { live_stream: info });
    else this.options.host.event(room, 'live_stream.failed', { live_stream: info, reason: outcome.reason });
    this.options.host.publish(room);
    await this.#dropFiles(stream);
    await this.options.host.release(room);
    // After the composite is released: a long remux holds no encoder.
    await finishRecording(this.options.recordings, stream, this.options.host, outcome);
    if (stream.recorded) this.#persist(stream); // with its assets
    this.#forgetOld();
  }

  /** A rendition that fails to stop is reported; the live stream ends all the same. */
  async #stopRendition(stream: LiveStream): Promise<void> {
    const stopping = stream.rendition?.stop();
    if (!stopping) return;
    this.options.host.own(stopping, 'stop an HLS rendition');
    await stopping.catch(() => undefined);
  }

  /** A live stream that was not recorded has nothing left worth serving once it ended. */
  async #dropFiles(stream: LiveStream): Promise<void> {
    if (stream.recorded) return;
    stream.rendition = undefined;
    await rm(stream.spec.dir, { recursive: true, force: true });
  }

  /** Ended live streams beyond the limit are forgotten, records included; those of earlier runs first (they are older). */
  #forgetOld(): void {
    const limit = this.options.historyLimit ?? 100;
    const ended = [...this.#streams.values()].filter((s) => !s.active && this.#byRoom.get(s.room.name) !== s);
    const excess = this.#history.size + ended.length - limit;
    const left = excess - this.#history.forgetOldest(excess);
    for (const stream of ended.slice(0, Math.max(0, left))) {
      this.#streams.delete(stream.id);
      this.#persist(stream, 'remove');
    }
  }

  #find(id: string): LiveStream {
    const stream = this.#streams.get(id);
    if (!stream) throw new AppError('egress_not_found', `no live stream ${id}`);
    return stream;
  }

  async #firstPart(stream: LiveStream, timeoutMs: number): Promise<boolean> {
    if (stream.rendition?.ready) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const ready = await Promise.race([stream.firstPart.then(() => true), timeout]);
    clearTimeout(timer);
    return ready && stream.rendition?.ready === true;
  }

  #master(stream: LiveStream): string | undefined {
    return stream.rendition?.master(this.options.hls);
  }
}

/** A stream's start, watched: its `opening` settles once the start is over, whatever the outcome. */
function watchOpening(stream: LiveStream, opening: Promise<void>): Promise<void> {
  stream.opening = opening.then(
    () => undefined,
    () => undefined,
  );
  return opening;
}

import { rmdir } from 'node:fs/promises';
import {
  AppError,
  compactLayout,
  type EgressState,
  type Layout,
  type LayoutSpec,
  type LiveStreamActor,
  type Quality,
  type RtmpBroadcastInfo,
  type StartRtmpBroadcastsBody,
  normalizeLayout,
} from '@roomcast/protocol';
import { type RoomView, type RoomDirectory, TypedEmitter } from '@roomcast/sfu';
import { addStats, CompositeEgress, type CompositeStats } from './composite/CompositeEgress.js';
import { checkBroadcastRequest } from './fanout/broadcastRequest.js';
import { EndedDestinations } from './fanout/EndedDestinations.js';
import type { CompositeRequest } from './composite/CompositeRequest.js';
import { checkLayout, sameLayout } from './composite/layoutRequests.js';
import { ENCODER_FAILED } from './composite/EncoderSupervisor.js';
import { DEFAULT_QUALITY } from './composite/presets.js';
import { drawtextSupport } from './ffmpeg/drawtextSupport.js';
import { ffmpegPath } from './ffmpeg/ffmpegPath.js';
import { PortAllocator } from './rtp/PortAllocator.js';
import { processTempRoot } from './tempDirs.js';
import { startUpChores } from './egressStartup.js';
import { ROOM_CLOSED } from './live/liveStreamRequest.js';
import type { LiveStreamService } from './live/LiveStreamService.js';
import { createEgressOutputs } from './egressOutputs.js';
import type { RecordingStore } from './recordings/RecordingStore.js';
import { egressStateOf } from './egressState.js';
import type { MediaStreamService } from './media/MediaStreamService.js';
import { compositeSettings } from './composite/compositeSettings.js';
import { checkWebLayout } from './web/checkWebLayout.js';
import { WebLayout } from './web/WebLayout.js';
import type { EgressServiceEvents, EgressServiceOptions } from './egressOptions.js';
import { API_ACTOR, assertBroadcastingEnabled, rtmpComposite } from './roomDefaults.js';
import { SYSTEM_ACTOR } from './fanout/RtmpRelay.js';

export type { EgressServiceEvents, EgressServiceOptions };

/** How long a shutdown lets recording uploads go on before aborting them (the next start retries). */
const UPLOAD_SHUTDOWN_GRACE_MS = 3000;

/** Counters over the life of the service (ended composites included), for Prometheus. */
export type EgressStats = CompositeStats;

/** The composite of a room being started; a stop or the room closing meanwhile cancels it. */
interface Starting {
  cancelled: boolean;
  /** Settles once the start is over: the composite is registered, or stopped and gone. */
  done: Promise<void>;
}

/** Why a composite ended with destinations still listed. */
export const ALL_DESTINATIONS_FAILED = 'every destination failed; the broadcast ended';

/**
 * Turns rooms into outside streams: at most one composite per room, feeding any number of named
 * RTMP(S) destinations and the room's HLS live stream (`liveStreams`). Validates requests before
 * changing anything, keeps `room.egress` current, and stops a room's egress when the room closes.
 * A composite lives while any output lives: it ends when its last destination is stopped or has
 * failed and no live stream needs it; failed destinations stay listed (with their reason) until
 * stopped or replaced.
 */
export class EgressService extends TypedEmitter<EgressServiceEvents> {
  readonly composites = new Map<string, CompositeEgress>();
  readonly #ports: PortAllocator;
  readonly #starting = new Map<string, Starting>();
  /** Failed destinations of composites that have ended, per room. */
  readonly #ended = new EndedDestinations();
  readonly #retired: EgressStats = { droppedFrames: 0, encoderRestarts: 0, decoderRestarts: 0 };
  /** Composites ended by a failure: their destinations were reported failed, not `stopped` as they close. */
  readonly #failedComposites = new WeakSet<CompositeEgress>();
  /** Stop-alls of RTMP per room: a start that began before one must not add its destinations after it. */
  readonly #rtmpStops = new Map<string, number>();
  /** The outputs beside RTMP: HLS live streams, their recordings, media streams to apps (see EgressOutputs). */
  readonly liveStreams: LiveStreamService;
  readonly recordings: RecordingStore;
  readonly mediaStreams: MediaStreamService;

  constructor(
    readonly sfu: RoomDirectory,
    readonly options: EgressServiceOptions,
  ) {
    super();
    this.#ports = new PortAllocator(options.rtpPorts.min, options.rtpPorts.max, { srtp: options.rtpSrtp, listenIp: options.rtpListenIp, announcedIp: options.rtpAnnouncedIp });
    const outputs = createEgressOutputs(options, this.#ports, {
      room: (name) => sfu.room(name),
      composite: (room, request) => this.#compositeFor(room, request),
      release: (room) => this.#endIfIdle(room),
      publish: (room) => void this.#publishState(room),
      event: (room, type, data) => this.safeEmit('event', room, type, data),
      own: (task, what) => this.#own(task, what),
      recovered: (liveStream) => this.safeEmit('liveStreamRecovered', liveStream),
      layoutOf: (room) => {
        const composite = this.composites.get(room.name);
        return composite && compactLayout(composite.layout);
      },
      backgroundError: (error, what) => this.safeEmit('backgroundError', error, what),
    });
    this.recordings = outputs.recordings;
    this.liveStreams = outputs.liveStreams;
    this.mediaStreams = outputs.mediaStreams;
    sfu.on('roomClosed', (room) => this.#own(this.#stopRoom(room), 'stop the egress of a closed room'));
    startUpChores({
      recordings: this.recordings,
      liveStreams: this.liveStreams,
      recordingRecovered: (recording) => void this.safeEmit('recordingRecovered', recording),
      own: (task, what) => this.#own(task, what),
    });
  }

  /** `by`: who asked (`started_by` of each destination); the quality and layout fall back to the room's settings. */
  async startBroadcasts(roomName: string, body: StartRtmpBroadcastsBody, by: LiveStreamActor = API_ACTOR): Promise<EgressState> {
    // Destination policy (SSRF) first: a refused host is a 400 and nothing has started.
    await this.options.relay.destinations.check(body.broadcasts.map((b) => b.stream_url));
    await this.checkLayout(body.layout);
    const room = this.sfu.room(roomName);
    const stops = this.#rtmpStops.get(roomName) ?? 0;
    const stoppedSince = () => (this.#rtmpStops.get(roomName) ?? 0) !== stops;
    const composite = await this.#compositeFor(room, {
      check: (running) => {
        if (stoppedSince()) throw stoppedWhileStarting(room);
        assertBroadcastingEnabled(room);
        this.#validate(room, body, running);
        return rtmpComposite(body, room.settings, running !== undefined, DEFAULT_QUALITY);
      },
    });
    for (const destination of body.broadcasts) {
      await this.#forgetEnded(composite, destination.name);
      // A stop (or the room closing) while we waited ends this request too.
      if (composite.stopped || this.composites.get(roomName) !== composite || stoppedSince()) {
        await this.#endIfIdle(room);
        throw stoppedWhileStarting(room);
      }
      composite.addDestination(destination.name, destination.stream_url, destination.stream_key, by);
      this.#ended.drop(room.name, destination.name);
    }
    return this.#publishState(room);
  }

  async stopBroadcast(roomName: string, name: string, by: LiveStreamActor = API_ACTOR): Promise<EgressState> {
    const room = this.sfu.room(roomName);
    if (this.#ended.drop(roomName, name)) return this.#publishState(room);
    const composite = this.composites.get(roomName);
    if (!composite?.relays.has(name)) throw new AppError('egress_not_found', `no broadcast named "${name}" in room ${roomName}`);
    await composite.removeDestination(name, by);
    await this.#endIfIdle(room);
    return this.#publishState(room);
  }

  /** Stops every RTMP destination of the room; a live stream of the room goes on, and so does its composite. */
  async stopAll(roomName: string, by: LiveStreamActor = API_ACTOR): Promise<EgressState> {
    const room = this.sfu.room(roomName);
    this.#rtmpStops.set(roomName, (this.#rtmpStops.get(roomName) ?? 0) + 1);
    if (this.liveStreams.keepsAlive(roomName)) await this.#removeDestinations(room, by);
    else await this.#stopRoomComposite(room, by);
    return this.#publishState(room);
  }

  /** What can be checked of a layout before anything starts: a logo on a host the destination policy refuses, or an unknown asset, is a 400. */
  async checkLayout(layout: Layout | undefined): Promise<void> {
    await checkLayout(layout, this.options.relay.destinations, this.options.assets);
  }

  /**
   * Changes the layout of the room's composite: every output (RTMP and HLS) shows it from the next
   * frame, and no destination reconnects. 404 when no composite runs.
   */
  async setLayout(roomName: string, layout: Layout): Promise<EgressState> {
    const room = this.sfu.room(roomName);
    await this.checkLayout(layout);
    checkWebLayout(layout, this.options.webLayout, roomName);
    const composite = this.composites.get(roomName);
    if (!composite || composite.stopped) throw new AppError('egress_not_found', `room ${roomName} has no broadcast or live stream running`);
    const spec = normalizeLayout(layout);
    if (!sameLayout(spec, composite.layout)) composite.setLayout(spec);
    this.liveStreams.layoutChanged(room);
    return this.#publishState(room);
  }

  /** Counters over the service's life: frames dropped, encoder and decoder restarts. */
  stats(): EgressStats {
    const total = { ...this.#retired };
    for (const composite of this.composites.values()) addStats(total, composite.stats());
    return total;
  }

  /** Graceful shutdown: every broadcast is stopped cleanly, starting ones included. */
  async close(): Promise<void> {
    // Uploads may go on a little while live streams finalize, never hold the shutdown long.
    this.recordings.options.uploader?.shutdown(UPLOAD_SHUTDOWN_GRACE_MS);
    // Live streams first: each flushes its last part (and ENDLIST when recorded) while the encoder still runs.
    await this.liveStreams.close();
    await this.mediaStreams.close();
    for (const starting of this.#starting.values()) starting.cancelled = true;
    await Promise.all([...this.#starting.values()].map((s) => s.done));
    await Promise.all([...this.composites.values()].map((c) => c.stop()));
    this.composites.clear();
    this.#ended.clear();
    this.recordings.options.uploader?.close();
    // Only when empty: another server in this process (tests) may still use it.
    await rmdir(processTempRoot()).catch(() => undefined);
  }

  #validate(room: RoomView, body: StartRtmpBroadcastsBody, running: CompositeEgress | undefined): void {
    const relaysOnServer = [...this.composites.values()].reduce((n, c) => n + c.relays.size, 0);
    const context = { roomName: room.name, running: running && { relays: running.relays.values(), quality: running.quality }, relaysOnServer };
    checkBroadcastRequest(body, context, this.options);
  }

  /**
   * The room's composite for a new output: the running one, or one started for it. Another request
   * starting this room's composite is waited for, then joined. No await when none is, so that two
   * requests in one tick cannot both start one; the request's check and claim run in one tick.
   */
  async #compositeFor(room: RoomView, request: CompositeRequest<CompositeEgress>): Promise<CompositeEgress> {
    for (let pending = this.#starting.get(room.name); pending; pending = this.#starting.get(room.name)) await pending.done;
    this.#assertOpen(room);
    const running = this.composites.get(room.name);
    const wanted = request.check(running);
    // Every output's layout (RTMP, live stream, room defaults): a page on an origin not allowed is a 400 here, before anything starts.
    checkWebLayout(wanted.layout, this.options.webLayout, room.name);
    if (!running && this.composites.size + this.#starting.size >= this.options.maxComposites) {
      throw new AppError('limit_exceeded', `this server composites at most ${this.options.maxComposites} rooms at once`);
    }
    request.claim?.();
    const layout = wanted.layout && normalizeLayout(wanted.layout);
    if (!running) return this.#startComposite(room, layout ?? normalizeLayout('grid'), wanted.quality);
    if (layout && !sameLayout(layout, running.layout)) {
      running.setLayout(layout);
      this.liveStreams.layoutChanged(room);
    }
    return running;
  }

  /** Nothing feeds from it: no destination that has not failed, and no live stream. */
  #idle(room: RoomView, composite: CompositeEgress): boolean {
    if (this.liveStreams.keepsAlive(room.name)) return false;
    return composite.relays.size === 0 || composite.allDestinationsFailed;
  }

  /** Ends the room's composite if it is idle (a failed composite is ended by its failure handler). */
  async #endIfIdle(room: RoomView): Promise<void> {
    const composite = this.composites.get(room.name);
    if (composite && !this.#failedComposites.has(composite) && this.#idle(room, composite)) await this.#endComposite(room, composite);
  }

  /** Stop-all of RTMP while a live stream keeps the composite: the destinations go, the composite stays. */
  async #removeDestinations(room: RoomView, by: LiveStreamActor): Promise<void> {
    this.#ended.clear(room.name);
    const composite = this.composites.get(room.name);
    if (composite) await Promise.all([...composite.relays.keys()].map((name) => composite.removeDestination(name, by)));
    // The live stream may have ended meanwhile.
    await this.#endIfIdle(room);
  }

  #assertOpen(room: RoomView): void {
    if (room.closed || this.sfu.rooms.get(room.name) !== room) throw new AppError('room_not_found', `room ${room.name} was closed`);
  }

  async #forgetEnded(composite: CompositeEgress, name: string): Promise<void> {
    const relay = composite.relays.get(name);
    if (relay && (relay.status === 'failed' || relay.status === 'stopped')) await composite.removeDestination(name);
  }

  async #startComposite(room: RoomView, layout: LayoutSpec, quality: Quality): Promise<CompositeEgress> {
    const starting: Starting = { cancelled: false, done: Promise.resolve() };
    const launched = this.#launch(room, layout, quality, starting);
    starting.done = launched.then(
      () => undefined,
      () => undefined,
    );
    this.#starting.set(room.name, starting);
    try {
      return await launched;
    } finally {
      if (this.#starting.get(room.name) === starting) this.#starting.delete(room.name);
    }
  }

  /** Starts the composite, then checks nothing cancelled it meanwhile: if so it is stopped, not left running. */
  async #launch(room: RoomView, layout: LayoutSpec, quality: Quality, starting: Starting): Promise<CompositeEgress> {
    const text = await drawtextSupport(ffmpegPath());
    if (starting.cancelled) throw stoppedWhileStarting(room);
    this.#assertOpen(room);
    const webLayout = this.#webLayout(room);
    const composite = await CompositeEgress.start(
      compositeSettings(this.options, { room, layout, quality, ports: this.#ports, fontFile: text.enabled ? text.fontFile : undefined, webLayout }),
    );
    if (starting.cancelled || room.closed || this.sfu.rooms.get(room.name) !== room) {
      await composite.stop();
      throw room.closed ? new AppError('room_not_found', `room ${room.name} was closed`) : stoppedWhileStarting(room);
    }
    this.composites.set(room.name, composite);
    this.#wire(room, composite);
    webLayout?.whenFailed((reason) => {
      if (!this.#failedComposites.has(composite) && !composite.stopped) this.#own(this.#onCompositeFailed(room, composite, reason, reason), 'end a composite whose layout page failed');
    });
    return composite;
  }

  /** The room's `web` layout (a page in Chromium), when the server has it configured. */
  #webLayout(room: RoomView): WebLayout | undefined {
    const settings = this.options.webLayout;
    return settings && new WebLayout({ room: room.name, settings, onError: (error, what) => this.safeEmit('backgroundError', error, what) });
  }

  #wire(room: RoomView, composite: CompositeEgress): void {
    composite.on('relay', (type, info) => {
      if (type === 'stopped' && this.#failedComposites.has(composite)) return;
      const ended = type === 'failed' && this.#idle(room, composite);
      this.safeEmit('event', room, `rtmp_broadcast.${type}`, ended ? { broadcast: info, ended: true, reason: ALL_DESTINATIONS_FAILED } : { broadcast: info });
      if (ended) this.#own(this.#endComposite(room, composite), 'end a composite whose destinations all failed');
      else this.#publishState(room);
    });
    composite.on('encoderRestarted', (reason) => {
      for (const relay of composite.relays.values()) this.safeEmit('event', room, 'rtmp_broadcast.updated', { broadcast: relay.info(), reason });
      this.#publishState(room);
    });
    composite.on('failed', (reason) => this.#own(this.#onCompositeFailed(room, composite, reason), 'end a composite whose encoder failed'));
    // A lower encode only feeds the live stream's renditions: it fails, the RTMP relays go on.
    composite.on('encodeFailed', (_quality, reason) => this.#own(this.liveStreams.failRoom(room, reason), 'fail a live stream whose encode failed'));
  }

  /** `phrase`: the fixed reason of the events and the live stream (`reason`, the detail, is each destination's error). */
  async #onCompositeFailed(room: RoomView, composite: CompositeEgress, reason: string, phrase = ENCODER_FAILED): Promise<void> {
    this.#failedComposites.add(composite);
    const at = new Date().toISOString();
    const failed = [...composite.relays.values()].map((relay) => ({ ...relay.info(), status: 'failed' as const, error: reason, stopped_at: at }));
    for (const info of failed) this.safeEmit('event', room, 'rtmp_broadcast.failed', { broadcast: info, ended: true, reason: phrase });
    await this.liveStreams.failRoom(room, phrase);
    await this.#endComposite(room, composite, failed);
  }

  /**
   * Ends a composite that has nothing left to feed, freeing its slot; its failed destinations stay
   * listed (`failed`, or the infos given) until stopped or replaced.
   */
  async #endComposite(room: RoomView, composite: CompositeEgress, failed?: RtmpBroadcastInfo[]): Promise<void> {
    const infos = failed ?? [...composite.relays.values()].map((relay) => relay.info()).filter((info) => info.status === 'failed');
    if (this.composites.get(room.name) === composite && !room.closed && infos.length > 0) {
      this.#ended.record(room.name, infos);
    }
    const stopping = this.#stopComposite(room, composite);
    // The slot is free and the state final now; the processes take a moment more to end.
    this.#publishState(room);
    await stopping;
  }

  async #stopComposite(room: RoomView, composite: CompositeEgress, by: LiveStreamActor = SYSTEM_ACTOR): Promise<void> {
    if (this.composites.get(room.name) === composite) {
      this.composites.delete(room.name);
      addStats(this.#retired, composite.stats());
    }
    await composite.stop(by);
  }

  /** Stops the room's composite, one still starting included, and forgets its ended destinations. */
  async #stopRoomComposite(room: RoomView, by: LiveStreamActor = SYSTEM_ACTOR): Promise<void> {
    const starting = this.#starting.get(room.name);
    if (starting) {
      starting.cancelled = true;
      await starting.done;
    }
    this.#ended.clear(room.name);
    const composite = this.composites.get(room.name);
    if (composite) await this.#stopComposite(room, composite, by);
  }

  /** The room closed: its live stream fails, then its composite (one still starting included) stops. */
  async #stopRoom(room: RoomView): Promise<void> {
    const starting = this.#starting.get(room.name);
    if (starting) starting.cancelled = true;
    await this.liveStreams.failRoom(room, ROOM_CLOSED);
    await this.#stopRoomComposite(room);
    this.#rtmpStops.delete(room.name);
  }

  #publishState(room: RoomView): EgressState {
    room.egress = egressStateOf(room.name, {
      composite: this.composites.get(room.name),
      ended: this.#ended.list(room.name),
      liveStreams: this.liveStreams,
      mediaStreams: this.mediaStreams,
    });
    if (!room.closed) this.safeEmit('state', room, room.egress);
    return room.egress;
  }

  /** Every promise the service starts by itself has this owner: a failure is reported, never unhandled. */
  #own(task: Promise<unknown>, what: string): void {
    task.catch((error: unknown) => this.safeEmit('backgroundError', error, what));
  }
}

function stoppedWhileStarting(room: RoomView): AppError {
  return new AppError('conflict', `the broadcasts of room ${room.name} were stopped while starting`);
}

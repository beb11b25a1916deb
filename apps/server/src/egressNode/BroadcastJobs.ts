import type { EgressCommands } from '@roomcast/egress';
import type { EgressState, Layout, LiveStreamActor, StartRtmpBroadcastsBody } from '@roomcast/protocol';
import type { BroadcastDestination as Destination, BroadcastJobStore, StoredBroadcastJob } from './BroadcastJobStore.js';

interface RoomJob {
  quality: StartRtmpBroadcastsBody['quality'];
  layout: Layout | undefined;
  /** By name; each with who started it (its `started_by` comes back the same). */
  destinations: Map<string, { destination: Destination; by: LiveStreamActor }>;
}

/**
 * The RTMP broadcasts the SFU asked of an egress, with their stream keys, kept in the SFU's memory
 * (never on disk, never in a log) and, on SFU nodes with Redis, encrypted in a store: when the
 * egress dies, the next one is asked for the same broadcasts again and every destination
 * reconnects (issue 13, Deliver 3); when the SFU node dies, the room's next home adopts them
 * from the store. Wraps the commands every broadcast goes through (REST and SDK alike).
 */
export class BroadcastJobs implements EgressCommands {
  readonly #rooms = new Map<string, RoomJob>();
  #store: BroadcastJobStore | undefined;
  /** Saves run one after another, so the store ends with the last state of each room. */
  #saving: Promise<void> = Promise.resolve();
  #onStoreError: (error: unknown) => void = () => undefined;

  constructor(readonly inner: EgressCommands) {}

  /** Keeps every room's job in `store` from now on (those already kept are written now). */
  useStore(store: BroadcastJobStore, onError: (error: unknown) => void): void {
    this.#store = store;
    this.#onStoreError = onError;
    for (const room of this.#rooms.keys()) this.#save(room);
  }

  /** Rooms with broadcasts kept. */
  rooms(): string[] {
    return [...this.#rooms.keys()];
  }

  /**
   * Takes over a room's job from the store (its previous home died) unless this node has one;
   * true when there is one to resume. The caller re-checks the room after this (it may have closed).
   */
  async adopt(room: string): Promise<boolean> {
    if (!this.#store || this.#rooms.has(room)) return false;
    const stored = await this.#store.load(room);
    if (!stored || stored.destinations.length === 0 || this.#rooms.has(room)) return false;
    this.#rooms.set(room, {
      quality: stored.quality,
      layout: stored.layout,
      destinations: new Map(stored.destinations.map((entry) => [entry.destination.name, entry])),
    });
    // Its home is this node now (and it alone may remove it).
    this.#save(room);
    return true;
  }

  #save(room: string): void {
    const store = this.#store;
    if (!store) return;
    const job = this.#rooms.get(room);
    const stored: StoredBroadcastJob | undefined = job && job.destinations.size > 0
      ? { quality: job.quality, layout: job.layout, destinations: [...job.destinations.values()] }
      : undefined;
    this.#saving = this.#saving.then(() => store.save(room, stored)).catch(this.#onStoreError);
  }

  async startBroadcasts(room: string, body: StartRtmpBroadcastsBody, by: LiveStreamActor): Promise<EgressState> {
    const state = await this.inner.startBroadcasts(room, body, by);
    const job = this.#rooms.get(room) ?? { quality: state.quality ?? body.quality, layout: body.layout, destinations: new Map() };
    if (body.layout) job.layout = body.layout;
    for (const destination of body.broadcasts) job.destinations.set(destination.name, { destination, by });
    this.#rooms.set(room, job);
    this.#save(room);
    return state;
  }

  async stopBroadcast(room: string, name: string, by: LiveStreamActor): Promise<EgressState> {
    const state = await this.inner.stopBroadcast(room, name, by);
    this.#rooms.get(room)?.destinations.delete(name);
    this.#save(room);
    return state;
  }

  async stopAllBroadcasts(room: string, by: LiveStreamActor): Promise<EgressState> {
    const state = await this.inner.stopAllBroadcasts(room, by);
    this.#rooms.delete(room);
    this.#save(room);
    return state;
  }

  async setLayout(room: string, layout: Layout): Promise<EgressState> {
    const state = await this.inner.setLayout(room, layout);
    const job = this.#rooms.get(room);
    if (job) {
      job.layout = layout;
      this.#save(room);
    }
    return state;
  }

  startLiveStream: EgressCommands['startLiveStream'] = (...args) => this.inner.startLiveStream(...args);
  stopLiveStream: EgressCommands['stopLiveStream'] = (...args) => this.inner.stopLiveStream(...args);
  startMediaStream: EgressCommands['startMediaStream'] = (...args) => this.inner.startMediaStream(...args);
  controlMediaStream: EgressCommands['controlMediaStream'] = (...args) => this.inner.controlMediaStream(...args);
  setMediaConsent: EgressCommands['setMediaConsent'] = (...args) => this.inner.setMediaConsent(...args);
  adoptLiveStream: EgressCommands['adoptLiveStream'] = (...args) => this.inner.adoptLiveStream(...args);
  adoptMediaStream: EgressCommands['adoptMediaStream'] = (...args) => this.inner.adoptMediaStream(...args);

  /** Whether the room has broadcasts to resume. */
  has(room: string): boolean {
    return this.#rooms.has(room);
  }

  /** Lets go of a room's job here, leaving it in the store (for the room's next home). */
  release(room: string): void {
    this.#rooms.delete(room);
  }

  /** The room closed: nothing of it resumes. */
  forgetRoom(room: string): void {
    this.#rooms.delete(room);
    this.#save(room);
  }

  /**
   * Drops destinations that had ended (failed for good, or stopped) in `lastStates`: a restart
   * must not bring back what was over.
   */
  keepLive(lastStates: ReadonlyMap<string, EgressState>): void {
    for (const [room, job] of this.#rooms) {
      const rtmps = lastStates.get(room)?.rtmps ?? [];
      const ended = rtmps.filter((info) => info.status === 'failed' || info.status === 'stopped');
      for (const info of ended) job.destinations.delete(info.name);
      if (job.destinations.size === 0) this.#rooms.delete(room);
      if (ended.length > 0) this.#save(room);
    }
  }

  /** Asks the (new) egress for every broadcast again (of `rooms`, default all), per room, each as its original starter. */
  async resume(onError: (room: string, error: unknown) => void, rooms?: Iterable<string>): Promise<void> {
    const wanted = rooms === undefined ? undefined : new Set(rooms);
    const jobs = [...this.#rooms].filter(([room]) => wanted === undefined || wanted.has(room));
    await Promise.all(jobs.map(async ([room, job]) => {
      const byStarter = new Map<string, { by: LiveStreamActor; broadcasts: Destination[] }>();
      for (const { destination, by } of job.destinations.values()) {
        const key = JSON.stringify(by);
        const group = byStarter.get(key) ?? { by, broadcasts: [] };
        group.broadcasts.push(destination);
        byStarter.set(key, group);
      }
      for (const { by, broadcasts } of byStarter.values()) {
        await this.inner
          .startBroadcasts(room, { quality: job.quality, layout: job.layout, broadcasts }, by)
          .catch((error: unknown) => onError(room, error));
      }
    }));
  }
}

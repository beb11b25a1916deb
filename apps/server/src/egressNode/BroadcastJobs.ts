import type { EgressCommands } from '@roomcast/egress';
import type { EgressState, Layout, LiveStreamActor, StartRtmpBroadcastsBody } from '@roomcast/protocol';

type Destination = StartRtmpBroadcastsBody['broadcasts'][number];

interface RoomJob {
  quality: StartRtmpBroadcastsBody['quality'];
  layout: Layout | undefined;
  /** By name; each with who started it (its `started_by` comes back the same). */
  destinations: Map<string, { destination: Destination; by: LiveStreamActor }>;
}

/**
 * The RTMP broadcasts the SFU asked of an egress process, with their stream keys, kept in the SFU's
 * memory only (never on disk, never in a log): when that process dies, the next one is asked for
 * the same broadcasts again and every destination reconnects (issue 13, Deliver 3). Wraps the
 * commands every broadcast goes through (REST and SDK alike).
 */
export class BroadcastJobs implements EgressCommands {
  readonly #rooms = new Map<string, RoomJob>();

  constructor(readonly inner: EgressCommands) {}

  async startBroadcasts(room: string, body: StartRtmpBroadcastsBody, by: LiveStreamActor): Promise<EgressState> {
    const state = await this.inner.startBroadcasts(room, body, by);
    const job = this.#rooms.get(room) ?? { quality: state.quality ?? body.quality, layout: body.layout, destinations: new Map() };
    if (body.layout) job.layout = body.layout;
    for (const destination of body.broadcasts) job.destinations.set(destination.name, { destination, by });
    this.#rooms.set(room, job);
    return state;
  }

  async stopBroadcast(room: string, name: string, by: LiveStreamActor): Promise<EgressState> {
    const state = await this.inner.stopBroadcast(room, name, by);
    this.#rooms.get(room)?.destinations.delete(name);
    return state;
  }

  async stopAllBroadcasts(room: string, by: LiveStreamActor): Promise<EgressState> {
    const state = await this.inner.stopAllBroadcasts(room, by);
    this.#rooms.delete(room);
    return state;
  }

  async setLayout(room: string, layout: Layout): Promise<EgressState> {
    const state = await this.inner.setLayout(room, layout);
    const job = this.#rooms.get(room);
    if (job) job.layout = layout;
    return state;
  }

  startLiveStream: EgressCommands['startLiveStream'] = (...args) => this.inner.startLiveStream(...args);
  stopLiveStream: EgressCommands['stopLiveStream'] = (...args) => this.inner.stopLiveStream(...args);
  startMediaStream: EgressCommands['startMediaStream'] = (...args) => this.inner.startMediaStream(...args);
  controlMediaStream: EgressCommands['controlMediaStream'] = (...args) => this.inner.controlMediaStream(...args);
  setMediaConsent: EgressCommands['setMediaConsent'] = (...args) => this.inner.setMediaConsent(...args);

  /** Whether the room has broadcasts to resume. */
  has(room: string): boolean {
    return this.#rooms.has(room);
  }

  /** The room closed: nothing of it resumes. */
  forgetRoom(room: string): void {
    this.#rooms.delete(room);
  }

  /**
   * Drops destinations that had ended (failed for good, or stopped) in `lastStates`: a restart
   * must not bring back what was over.
   */
  keepLive(lastStates: ReadonlyMap<string, EgressState>): void {
    for (const [room, job] of this.#rooms) {
      const rtmps = lastStates.get(room)?.rtmps ?? [];
      for (const info of rtmps) if (info.status === 'failed' || info.status === 'stopped') job.destinations.delete(info.name);
      if (job.destinations.size === 0) this.#rooms.delete(room);
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

import { type BirpcReturn, createBirpc } from 'birpc';
import type { Sfu } from '@roomcast/sfu';
import type { FeedFunctions, SfuFunctions } from './feedMessages.js';
import { MirrorDirectory } from './MirrorDirectory.js';
import type { SfuCalls } from './RoomMirror.js';
import { type RoomFeedHooks, RoomFeedSource } from './RoomFeedSource.js';

/** A message pipe both ends agree on: a child process's IPC, a MessagePort, or a socket. */
export interface MessagePipe {
  post(message: unknown): void;
  on(listener: (message: unknown) => void): void;
  off(listener: (message: unknown) => void): void;
}

/**
 * The egress interface's RPC (birpc: typed calls and events over any message pipe; it keeps the
 * request ids, timeouts and error replies we would otherwise write). Each message carries a
 * `channel` tag so other traffic can share the pipe.
 */
export function rpcOver<Remote extends object, Local extends object>(pipe: MessagePipe, local: Local, channel: string, eventNames: Array<keyof Remote>): BirpcReturn<Remote, Local> {
  const listeners = new Map<(data: unknown) => void, (message: unknown) => void>();
  return createBirpc<Remote, Local>(local, {
    post: (data) => pipe.post({ channel, data }),
    on: (fn) => {
      const listener = (message: unknown): void => {
        if (isTagged(message, channel)) fn(message.data);
      };
      listeners.set(fn, listener);
      pipe.on(listener);
    },
    off: (fn) => {
      const listener = listeners.get(fn);
      if (listener) pipe.off(listener);
    },
    eventNames,
    timeout: 15_000,
    // Local functions are class methods: called on their object, not on the RPC proxy.
    bind: 'functions',
  });
}

function isTagged(message: unknown, channel: string): message is { channel: string; data: unknown } {
  return typeof message === 'object' && message !== null && (message as { channel?: unknown }).channel === channel;
}

/** The SFU's end: publishes its rooms and answers tap requests until `close()`. */
export function serveRoomFeed(sfu: Sfu, pipe: MessagePipe, hooks?: RoomFeedHooks): { source: RoomFeedSource; synced(): Promise<void>; close(): void } {
  // The source sends (existing rooms) as it is made, before the RPC that carries it exists.
  const link: { rpc?: BirpcReturn<FeedFunctions, SfuFunctions> } = {};
  const source = new RoomFeedSource(sfu, (event) => void link.rpc?.feed.asEvent(event).catch(() => undefined), hooks);
  const rpc = rpcOver<FeedFunctions, SfuFunctions>(pipe, source, 'room-feed', ['feed']);
  link.rpc = rpc;
  return {
    source,
    // Asked, not assumed: commands about a room must wait until the egress knows it.
    synced: () => rpc.whenSynced(),
    close: () => {
      source.close();
      rpc.$close();
    },
  };
}

/** The egress's end: a RoomDirectory of the SFU's rooms, in sync once `ready` resolves; `sfu` reaches back. */
export function mirrorRoomFeed(pipe: MessagePipe): { directory: MirrorDirectory; sfu: SfuCalls; ready: Promise<void>; close(): void } {
  // Events may arrive before the directory that applies them exists (it needs the RPC to be made).
  const link: { directory?: MirrorDirectory; ready?: Promise<void> } = {};
  const local: FeedFunctions = {
    feed: (event) => link.directory?.apply(event),
    whenSynced: () => link.ready ?? Promise.reject(new Error('not connected yet')),
  };
  const rpc = rpcOver<SfuFunctions, FeedFunctions>(pipe, local, 'room-feed', ['setEgressState', 'egressEvent']);
  const calls = {
    ...bindAll(rpc),
    // Events (no reply): the SFU only stores or passes them on.
    setEgressState: (room: string, state: Parameters<SfuFunctions['setEgressState']>[1]) => rpc.setEgressState.asEvent(room, state),
    egressEvent: (...args: Parameters<SfuFunctions['egressEvent']>) => rpc.egressEvent.asEvent(...args),
  };
  const directory = new MirrorDirectory(calls);
  link.directory = directory;
  const ready = rpc.snapshot().then((snapshots) => directory.sync(snapshots));
  link.ready = ready;
  return {
    directory,
    sfu: calls,
    ready,
    close: () => {
      directory.closeAll();
      rpc.$close();
    },
  };
}

function bindAll(rpc: BirpcReturn<SfuFunctions, FeedFunctions>): Omit<SfuCalls, 'setEgressState' | 'egressEvent'> {
  return {
    openTap: (...args) => rpc.openTap(...args),
    tapResume: (...args) => rpc.tapResume(...args),
    tapRequestKeyFrame: (...args) => rpc.tapRequestKeyFrame(...args),
    tapPreferSpatialLayer: (...args) => rpc.tapPreferSpatialLayer(...args),
    tapClose: (...args) => rpc.tapClose(...args),
    producerBytesReceived: (...args) => rpc.producerBytesReceived(...args),
    snapshot: () => rpc.snapshot(),
  };
}

import type { FastifyBaseLogger } from 'fastify';
import type { LiveStreamInfo } from '@roomcast/protocol';
import type { Sfu } from '@roomcast/sfu';
import type { NodeRegistry } from '../cluster/NodeRegistry.js';
import type { NodeInfo } from '../cluster/nodeInfo.js';
import type { RoomHomes } from '../cluster/RoomHomes.js';
import type { Config } from '../config.js';
import { type EgressNotifier, egressNotifier, wireRoomWebhooks } from '../events.js';
import type { WebhookSender } from '../webhooks/WebhookSender.js';
import { BroadcastJobs } from './BroadcastJobs.js';
import { RedisBroadcastJobStore } from './BroadcastJobStore.js';
import { EgressPool } from './EgressPool.js';
import { type EgressSide, onEgressLost } from './egressSides.js';
import type { EgressForwarding } from './forwardToEgress.js';
import { LostRoomOutputs, MediaConsents } from './LostRoomOutputs.js';

/** Why a live stream ended with the egress node that ran it (users see this phrase). */
export const EGRESS_NODE_LOST = 'the egress node running it was lost';

/**
 * ROOMCAST_ROLE=sfu: the egress runs on the egress nodes of the registry, each room on one of them
 * (EgressPool); they send their own webhooks. RTMP broadcasts are kept here (BroadcastJobs, and in
 * Redis for the room's next home); a lost node's rooms are placed again, their broadcasts resumed
 * and their live streams and apps' media streams continued there (LostRoomOutputs).
 */
export function nodeEgress(
  config: Config, sfu: Sfu, appLog: { current?: FastifyBaseLogger }, registry: () => NodeRegistry | undefined, homes: RoomHomes | undefined,
): EgressSide {
  const notify = egressNotifier(sfu);
  const log = (): FastifyBaseLogger => appLog.current!;
  const book: { webhooks?: WebhookSender; store?: RedisBroadcastJobStore; stopTakingOver?: () => void } = {};
  const failLiveStream = (room: string, stream: LiveStreamInfo): void => reportLiveStreamLost(room, stream, notify, book.webhooks);
  const pool = new EgressPool({
    sfu,
    registry,
    apiSecret: config.apiSecret,
    notify,
    log,
    onRoomsLost: (rooms, nodeId) => {
      log().error({ egressNode: nodeId, rooms: rooms.length }, 'egress node lost; placing its rooms on another (rooms go on)');
      const moving = lostOutputs.lost(rooms);
      for (const room of rooms) {
        for (const stream of activeLiveStreams(sfu, room)) if (!moving.has(stream.id)) failLiveStream(room, stream);
      }
      onEgressLost(sfu, rooms, jobs, notify);
      lostOutputs.resume();
    },
    onServing: () => lostOutputs.resume(),
  });
  const consents = new MediaConsents(sfu);
  const jobs = new BroadcastJobs(consents.note(pool.commands));
  const lostOutputs = new LostRoomOutputs({ sfu, jobs, consents, commands: pool.commands, serving: () => pool.serving, failLiveStream, warn: (details, message) => log().warn(details, message) });
  sfu.on('roomClosed', (room) => jobs.forgetRoom(room.name));
  resumeTakenOverRooms(sfu, jobs, log);
  const forwarding: EgressForwarding = {
    upstreamFor: (target) => pool.upstreamFor(target),
    everyUpstream: () => pool.everyUpstream(),
    commands: jobs,
    // Each egress node serves its own /metrics (scraped on its own).
    metrics: async () => '',
  };
  return {
    appEgress: { remote: forwarding },
    pool,
    wire: (webhooks, redis) => {
      book.webhooks = webhooks;
      wireRoomWebhooks(sfu, webhooks);
      book.store = redis && new RedisBroadcastJobStore(redis, config.apiSecret, config.cluster.nodeId);
      return keepJobsInRedis(jobs, book.store, log);
    },
    start: async () => {
      pool.start();
      const cluster = registry();
      if (book.store && cluster && homes) book.stopTakingOver = takeOverLostRooms(cluster, book.store, homes, log);
    },
    close: async () => {
      book.stopTakingOver?.();
      await pool.close();
    },
  };
}

/** A room made here whose previous home died: its broadcasts come back with it (from Redis). */
function resumeTakenOverRooms(sfu: Sfu, jobs: BroadcastJobs, log: () => FastifyBaseLogger): void {
  sfu.on('roomCreated', (room) => {
    jobs.adopt(room.name).then((adopted) => {
      if (!adopted) return;
      // Closed while its job was read: it stays in the store for the room's next home.
      if (sfu.rooms.get(room.name) !== room) {
        jobs.release(room.name);
        return;
      }
      log().info({ room: room.name }, 'room taken over from a lost SFU node: resuming its broadcasts');
      return jobs.resume((name, error) => log().warn({ room: name, err: error }, 'a broadcast of a taken-over room did not resume'), [room.name]);
    }).catch((error: unknown) => log().warn({ room: room.name, err: error }, "could not read the room's broadcasts from the cluster"));
  });
}

/** With Redis: every broadcast job in it, encrypted, refreshed while this node lives; returns what stops the refresh. */
function keepJobsInRedis(jobs: BroadcastJobs, store: RedisBroadcastJobStore | undefined, log: () => FastifyBaseLogger): () => Promise<void> {
  if (!store) return async () => undefined;
  const warn = (error: unknown): void => log().warn({ err: error }, 'broadcast jobs not saved in the cluster (Redis); they resume here, not on another node');
  jobs.useStore(store, warn);
  const stop = store.keepFresh(() => jobs.rooms(), warn);
  return async () => stop();
}

/**
 * When another SFU node is lost, the rooms it broadcast are made here if this node wins them (one
 * survivor does), so their broadcasts come back even when nobody rejoins (a "starting soon" card);
 * participants who reconnect find the room made. Returns what stops following the registry.
 */
function takeOverLostRooms(registry: NodeRegistry, store: RedisBroadcastJobStore, homes: RoomHomes, log: () => FastifyBaseLogger): () => void {
  const onLost = (node: NodeInfo): void => {
    if (node.role !== 'sfu') return;
    store.roomsOf(node.id).then(
      (rooms) => Promise.all(rooms.map(async (room) => {
        if (await homes.takeOver(room)) log().info({ room, lostNode: node.id }, 'took over a room of a lost SFU node, with its broadcasts');
      })),
    ).catch((error: unknown) => log().warn({ err: error, lostNode: node.id }, 'could not take over the rooms of a lost SFU node'));
  };
  registry.on('nodeLost', onLost);
  return () => registry.off('nodeLost', onLost);
}

function activeLiveStreams(sfu: Sfu, room: string): LiveStreamInfo[] {
  return (sfu.rooms.get(room)?.egress.live_streams ?? []).filter((stream) => stream.status !== 'stopped' && stream.status !== 'failed');
}

/** A live stream that ended with its egress node: the room event and the webhook say so. */
function reportLiveStreamLost(room: string, stream: LiveStreamInfo, notify: EgressNotifier, webhooks: WebhookSender | undefined): void {
  const data = { live_stream: { ...stream, status: 'failed' as const, stopped_at: new Date().toISOString(), error: EGRESS_NODE_LOST }, reason: EGRESS_NODE_LOST };
  notify.event(room, 'live_stream.failed', data);
  webhooks?.send('live_stream.failed', room, data);
}

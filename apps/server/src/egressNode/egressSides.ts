import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { EgressService } from '@roomcast/egress';
import { emptyEgressState } from '@roomcast/protocol';
import type { Sfu } from '@roomcast/sfu';
import type { AppEgress } from '../app.js';
import type { Auth } from '../auth.js';
import type { Config } from '../config.js';
import { type EgressNotifier, egressNotifier, wireEvents, wireRoomWebhooks } from '../events.js';
import { AppWebhooks } from '../rtms/appWebhooks.js';
import { wireAutoStart } from '../rtms/autoStart.js';
import { rtmsBaseUrl, signalingUrl } from '../rtms/serverUrls.js';
import type { WebhookSender } from '../webhooks/WebhookSender.js';
import { BroadcastJobs } from './BroadcastJobs.js';
import { RedisBroadcastJobStore } from './BroadcastJobStore.js';
import type { NodeRegistry } from '../cluster/NodeRegistry.js';
import { childConnector } from './childConnector.js';
import { EgressPool } from './EgressPool.js';
import { type EgressConnector, EgressLink } from './EgressLink.js';
import { egressOptions } from './egressOptions.js';
import { type EgressForwarding, singleForwarding } from './forwardToEgress.js';
import { hostPort } from './hostPort.js';

/** The egress as the server runs it: in this process or in a child, wired the same way from outside. */
export interface EgressSide {
  appEgress: AppEgress;
  local?: EgressService;
  link?: EgressLink;
  /** ROOMCAST_ROLE=sfu: the links to every egress node, and each room's. */
  pool?: EgressPool;
  /** Wires its events (webhooks, participants); returns what closes the extras it made. */
  wire(webhooks: WebhookSender, redis: Redis | undefined, log: FastifyBaseLogger): () => Promise<void>;
  /** Once the server listens (a child needs the port to reach it). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function inlineEgress(config: Config, sfu: Sfu, auth: Auth, appLog: { current?: FastifyBaseLogger }, port: () => number): EgressSide {
  const rtmsBase = () => rtmsBaseUrl({ publicUrl: config.publicUrl, host: hostPort(config.host, port()), encrypted: false });
  const egress = new EgressService(sfu, egressOptions(config, {
    log: { warn: (details, message) => appLog.current?.warn(details, message) },
    listeningPort: port,
    signalingUrl: () => signalingUrl(rtmsBase()),
    auth,
  }));
  return {
    appEgress: { local: egress },
    local: egress,
    wire: (webhooks, redis, log) => {
      wireEvents(sfu, egress, webhooks);
      const appWebhooks = new AppWebhooks(config.mediaStreams.apps, log, { redis });
      appWebhooks.wire(egress);
      wireAutoStart(sfu, egress, config.mediaStreams.apps, log);
      egress.on('backgroundError', (error, task) => log.warn({ err: error }, `egress task failed: ${task}`));
      return () => appWebhooks.close();
    },
    start: async () => undefined,
    close: () => egress.close(),
  };
}

/**
 * ROOMCAST_ROLE=sfu: the egress runs on the egress nodes of the registry, each room on one of them
 * (EgressPool); they send their own webhooks. RTMP broadcasts are kept here (BroadcastJobs): a
 * lost node's rooms are placed again and their broadcasts resumed there; their live streams fail
 * (their files were on the lost node).
 */
export function nodeEgress(config: Config, sfu: Sfu, appLog: { current?: FastifyBaseLogger }, registry: () => NodeRegistry | undefined): EgressSide {
  const notify = egressNotifier(sfu);
  const log = (): FastifyBaseLogger => appLog.current!;
  const book: { webhooks?: WebhookSender } = {};
  const orphans = new Set<string>();
  const resumeOrphans = (): void => {
    if (orphans.size === 0 || !pool.serving) return;
    const rooms = [...orphans];
    orphans.clear();
    void jobs.resume((room, error) => log().warn({ room, err: error }, 'a broadcast did not resume on another egress node'), rooms);
  };
  const pool = new EgressPool({
    sfu,
    registry,
    apiSecret: config.apiSecret,
    notify,
    log,
    onRoomsLost: (rooms, nodeId) => {
      log().error({ egressNode: nodeId, rooms: rooms.length }, 'egress node lost; placing its rooms on another (rooms go on)');
      failLiveStreams(sfu, rooms, notify, book.webhooks);
      onEgressLost(sfu, rooms, jobs, notify);
      for (const room of rooms) if (jobs.has(room)) orphans.add(room);
      resumeOrphans();
    },
    onServing: resumeOrphans,
  });
  const jobs = new BroadcastJobs(pool.commands);
  sfu.on('roomClosed', (room) => {
    jobs.forgetRoom(room.name);
    orphans.delete(room.name);
  });
  // A room made here whose previous home died: its broadcasts come back with it.
  sfu.on('roomCreated', (room) => {
    jobs.adopt(room.name).then((adopted) => {
      if (!adopted) return;
      // Closed while its job was read: it stays in the store for the room's next home.
      if (sfu.rooms.get(room.name) !== room) return void jobs.release(room.name);
      log().info({ room: room.name }, 'room taken over from a lost SFU node: resuming its broadcasts');
      return jobs.resume((name, error) => log().warn({ room: name, err: error }, 'a broadcast of a taken-over room did not resume'), [room.name]);
    }).catch((error: unknown) => log().warn({ room: room.name, err: error }, 'could not read the room\'s broadcasts from the cluster'));
  });
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
      return keepJobsInRedis(jobs, redis, config, log);
    },
    start: async () => pool.start(),
    close: () => pool.close(),
  };
}

/** How often an SFU node tells Redis its rooms' broadcasts are still its own (well inside their TTL). */
const REFRESH_JOBS_MS = 60_000;

/** With Redis: every broadcast job in it, encrypted, refreshed while this node lives; returns what stops the refresh. */
function keepJobsInRedis(jobs: BroadcastJobs, redis: Redis | undefined, config: Config, log: () => FastifyBaseLogger): () => Promise<void> {
  if (!redis) return async () => undefined;
  const store = new RedisBroadcastJobStore(redis, config.apiSecret, config.cluster.nodeId);
  const warn = (error: unknown): void => log().warn({ err: error }, 'broadcast jobs not saved in the cluster (Redis); they resume here, not on another node');
  jobs.useStore(store, warn);
  const timer = setInterval(() => void store.refresh(jobs.rooms()).catch(warn), REFRESH_JOBS_MS);
  return async () => clearInterval(timer);
}

/** EGRESS_PROCESS=child: the egress process sends its own webhooks; the SFU sends the rooms'. */
/**
 * EGRESS_PROCESS=child: the egress process sends its own webhooks; the SFU sends the rooms'. RTMP
 * broadcasts are kept by the SFU (BroadcastJobs) so that the next process resumes them when one is
 * lost; live streams go on by themselves (the next process resumes them from their files).
 */
export function childEgress(config: Config, sfu: Sfu, appLog: { current?: FastifyBaseLogger }, port: () => number): EgressSide {
  return linkedEgress(sfu, appLog, childConnector({ sfuPort: port, env: { ...process.env, ...config.env } }));
}

function linkedEgress(sfu: Sfu, appLog: { current?: FastifyBaseLogger }, connect: EgressConnector): EgressSide {
  const notify = egressNotifier(sfu);
  const log = (): FastifyBaseLogger => appLog.current!;
  const book: { jobs?: BroadcastJobs; webhooks?: WebhookSender } = {};
  const link = new EgressLink({
    sfu,
    connect,
    notify,
    log,
    onLost: () => onEgressLost(sfu, [...sfu.rooms.keys()], book.jobs!, notify),
    onReplaced: () => void book.jobs!.resume((room, error) => log().warn({ room, err: error }, 'a broadcast did not resume after the egress was replaced')),
  });
  const jobs = new BroadcastJobs(link.commands);
  book.jobs = jobs;
  sfu.on('roomClosed', (room) => jobs.forgetRoom(room.name));
  const forwarding = singleForwarding(link, jobs, () => link.metrics());
  return {
    appEgress: { remote: forwarding },
    link,
    wire: (webhooks) => {
      book.webhooks = webhooks;
      wireRoomWebhooks(sfu, webhooks);
      return async () => undefined;
    },
    start: () => link.start(),
    close: () => link.close(),
  };
}

/** Why a live stream ended with the egress node that ran it (users see this phrase). */
export const EGRESS_NODE_LOST = 'the egress node running it was lost';

/** The lost egress node's live streams cannot go on elsewhere: each fails, with a room event and a webhook. */
function failLiveStreams(sfu: Sfu, rooms: string[], notify: EgressNotifier, webhooks: WebhookSender | undefined): void {
  const stoppedAt = new Date().toISOString();
  for (const name of rooms) {
    for (const stream of sfu.rooms.get(name)?.egress.live_streams ?? []) {
      if (stream.status === 'stopped' || stream.status === 'failed') continue;
      const data = { live_stream: { ...stream, status: 'failed' as const, stopped_at: stoppedAt, error: EGRESS_NODE_LOST }, reason: EGRESS_NODE_LOST };
      notify.event(name, 'live_stream.failed', data);
      webhooks?.send('live_stream.failed', name, data);
    }
  }
}

/** What a lost egress ran for these rooms is gone: they say so (their RTMP broadcasts come back on the next one). */
function onEgressLost(sfu: Sfu, rooms: string[], jobs: BroadcastJobs, notify: EgressNotifier): void {
  const lost = rooms.flatMap((name) => sfu.rooms.get(name) ?? []);
  jobs.keepLive(new Map(lost.map((room) => [room.name, room.egress])));
  for (const room of lost) {
    if (!room.egress.broadcasting && room.egress.media_streams.length === 0) continue;
    room.egress = emptyEgressState();
    notify.state(room.name, room.egress);
  }
}

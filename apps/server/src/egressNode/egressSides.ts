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
import type { NodeRegistry } from '../cluster/NodeRegistry.js';
import { childConnector } from './childConnector.js';
import { nodeConnector } from './nodeConnector.js';
import { type EgressConnector, EgressLink } from './EgressLink.js';
import { egressOptions } from './egressOptions.js';
import type { EgressForwarding } from './forwardToEgress.js';
import { hostPort } from './hostPort.js';

/** The egress as the server runs it: in this process or in a child, wired the same way from outside. */
export interface EgressSide {
  appEgress: AppEgress;
  local?: EgressService;
  link?: EgressLink;
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

/** ROOMCAST_ROLE=sfu: the egress runs on egress nodes found in the registry; they send their own webhooks. */
export function nodeEgress(config: Config, sfu: Sfu, appLog: { current?: FastifyBaseLogger }, registry: () => NodeRegistry | undefined): EgressSide {
  return linkedEgress(sfu, appLog, nodeConnector({ registry, apiSecret: config.apiSecret }), { lenientStart: true, liveStreamsResume: false });
}

/** EGRESS_PROCESS=child: the egress process sends its own webhooks; the SFU sends the rooms'. */
export function childEgress(config: Config, sfu: Sfu, appLog: { current?: FastifyBaseLogger }, port: () => number): EgressSide {
  return linkedEgress(sfu, appLog, childConnector({ sfuPort: port, env: { ...process.env, ...config.env } }), { liveStreamsResume: true });
}

export interface LinkedEgressOptions {
  /** Egress nodes may all be away at start (the SFU serves its rooms meanwhile); a child must start. */
  lenientStart?: boolean;
  /**
   * The next egress goes on with the live streams of a lost one (a child process on the same disk
   * resumes them from their files); egress nodes cannot (the files were on the lost node): those
   * live streams fail, and the SFU says so.
   */
  liveStreamsResume: boolean;
}

/**
 * An egress reached through a link (a child process, or egress nodes): RTMP broadcasts are kept by
 * the SFU (BroadcastJobs) so that the next egress resumes them when one is lost.
 */
export function linkedEgress(sfu: Sfu, appLog: { current?: FastifyBaseLogger }, connect: EgressConnector, options: LinkedEgressOptions): EgressSide {
  const notify = egressNotifier(sfu);
  const log = (): FastifyBaseLogger => appLog.current!;
  const book: { jobs?: BroadcastJobs; webhooks?: WebhookSender } = {};
  const link = new EgressLink({
    sfu,
    connect,
    notify,
    log,
    lenientStart: options.lenientStart ?? false,
    onLost: () => {
      if (!options.liveStreamsResume) failLiveStreams(sfu, notify, book.webhooks);
      onEgressLost(sfu, book.jobs!, notify);
    },
    onReplaced: () => void book.jobs!.resume((room, error) => log().warn({ room, err: error }, 'a broadcast did not resume after the egress was replaced')),
  });
  const jobs = new BroadcastJobs(link.commands);
  book.jobs = jobs;
  sfu.on('roomClosed', (room) => jobs.forgetRoom(room.name));
  const forwarding: EgressForwarding = {
    upstream: () => link.upstream(),
    ready: (timeoutMs) => link.ready(timeoutMs),
    commands: jobs,
    metrics: () => link.metrics(),
  };
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
function failLiveStreams(sfu: Sfu, notify: EgressNotifier, webhooks: WebhookSender | undefined): void {
  const stoppedAt = new Date().toISOString();
  for (const room of sfu.rooms.values()) {
    for (const stream of room.egress.live_streams) {
      if (stream.status === 'stopped' || stream.status === 'failed') continue;
      const data = { live_stream: { ...stream, status: 'failed' as const, stopped_at: stoppedAt, error: EGRESS_NODE_LOST }, reason: EGRESS_NODE_LOST };
      notify.event(room.name, 'live_stream.failed', data);
      webhooks?.send('live_stream.failed', room.name, data);
    }
  }
}

/** What a lost egress ran is gone: rooms say so (their RTMP broadcasts come back as the next one starts). */
function onEgressLost(sfu: Sfu, jobs: BroadcastJobs, notify: EgressNotifier): void {
  jobs.keepLive(new Map([...sfu.rooms.values()].map((room) => [room.name, room.egress])));
  for (const room of sfu.rooms.values()) {
    if (!room.egress.broadcasting && room.egress.media_streams.length === 0) continue;
    room.egress = emptyEgressState();
    notify.state(room.name, room.egress);
  }
}

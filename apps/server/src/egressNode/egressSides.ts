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
import { childConnector } from './childConnector.js';
import type { EgressPool } from './EgressPool.js';
import { type EgressConnector, EgressLink } from './EgressLink.js';
import { egressOptions } from './egressOptions.js';
import { singleForwarding } from './forwardToEgress.js';
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

/** What a lost egress ran for these rooms is gone: they say so (their RTMP broadcasts come back on the next one). */
export function onEgressLost(sfu: Sfu, rooms: string[], jobs: BroadcastJobs, notify: EgressNotifier): void {
  const lost = rooms.flatMap((name) => sfu.rooms.get(name) ?? []);
  jobs.keepLive(new Map(lost.map((room) => [room.name, room.egress])));
  for (const room of lost) {
    if (!room.egress.broadcasting && room.egress.media_streams.length === 0) continue;
    room.egress = emptyEgressState();
    notify.state(room.name, room.egress);
  }
}

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { type RoomDirectory, Sfu } from '@roomcast/sfu';
import { type MessagePipe, mirrorRoomFeed, serveRoomFeed } from '../remote/feedChannel.js';
import type { MirrorDirectory } from '../remote/MirrorDirectory.js';
import type { RoomFeedSource } from '../remote/RoomFeedSource.js';
import { DestinationPolicy } from '../destinations/DestinationPolicy.js';
import { EgressService, type EgressServiceOptions } from '../EgressService.js';
import { drawtextSupport } from '../ffmpeg/drawtextSupport.js';
import { ffmpegPath } from '../ffmpeg/ffmpegPath.js';

export interface TestEgressOptions {
  /** First port of a 400-port block: the worker's RTC ports, then the egress's RTP ports. */
  portBase: number;
  ioTimeoutMs?: number;
  /** Anything else of the egress's options. */
  egress?: Partial<EgressServiceOptions>;
  /**
   * The egress reads the SFU's rooms through the room feed (issue 13's narrow interface) over a
   * MessageChannel, as it would from another process: every message is structured-cloned.
   */
  viaFeed?: boolean;
}

/** Both ends of the room feed when `viaFeed` is set. */
export interface TestFeed {
  source: RoomFeedSource;
  directory: MirrorDirectory;
}

/**
 * A real SFU (one mediasoup worker) and an EgressService on it, for the egress's integration tests:
 * small limits, destinations on loopback allowed, relays that give up at once. FFmpeg's drawtext
 * support is probed before it returns, so tests that race a start race only FFmpeg's spawn.
 */
export interface TestEgress {
  sfu: Sfu;
  egress: EgressService;
  /** A fresh temp directory for HLS and recordings, removed by close(). */
  hlsDir: string;
  feed?: TestFeed;
  /** Closes the egress, then the SFU, then removes hlsDir. */
  close(): Promise<void>;
}

export async function startTestEgress(options: TestEgressOptions): Promise<TestEgress> {
  const { portBase } = options;
  const hlsDir = await mkdtemp(join(tmpdir(), 'egress-int-'));
  const sfu = await Sfu.create({
    workers: { size: 1, rtcMinPort: portBase, rtcMaxPort: portBase + 199 },
    webRtc: { listenIps: [{ ip: '127.0.0.1' }], initialAvailableOutgoingBitrate: 1_000_000, mediaTimeoutMs: 60_000 },
    maxRooms: 10,
  });
  const { rooms, feed, closeFeed } = await roomsFor(sfu, options.viaFeed === true);
  const egress = new EgressService(rooms, {
    rtpPorts: { min: portBase + 200, max: portBase + 399 },
    maxDestinationsPerRoom: 4,
    maxDestinationsPerServer: 8,
    maxComposites: 1,
    background: '#101828',
    placeholderColor: '#344054',
    hlsDir,
    relay: {
      maxRetries: 0,
      retryBaseMs: 100,
      stallBytes: 8 * 1024 * 1024,
      ioTimeoutMs: options.ioTimeoutMs ?? 60_000,
      tls: { verify: true },
      destinations: new DestinationPolicy({ allowPrivate: true }),
    },
    ...options.egress,
  });
  await drawtextSupport(ffmpegPath());
  const close = async (): Promise<void> => {
    await egress.close();
    closeFeed();
    sfu.close();
    await rm(hlsDir, { recursive: true, force: true });
  };
  return { sfu, egress, hlsDir, feed, close };
}

async function roomsFor(sfu: Sfu, viaFeed: boolean): Promise<{ rooms: RoomDirectory; feed?: TestFeed; closeFeed: () => void }> {
  if (!viaFeed) return { rooms: sfu, closeFeed: () => undefined };
  const { port1, port2 } = new MessageChannel();
  const served = serveRoomFeed(sfu, portPipe(port1));
  const mirrored = mirrorRoomFeed(portPipe(port2));
  await mirrored.ready;
  const closeFeed = (): void => {
    mirrored.close();
    served.close();
    port1.close();
  };
  return { rooms: mirrored.directory, feed: { source: served.source, directory: mirrored.directory }, closeFeed };
}

function portPipe(port: MessagePort): MessagePipe {
  return {
    post: (message) => port.postMessage(message),
    on: (listener) => port.on('message', listener),
    off: (listener) => port.off('message', listener),
  };
}

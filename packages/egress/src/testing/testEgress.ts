import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sfu } from '@roomcast/sfu';
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
  const egress = new EgressService(sfu, {
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
    sfu.close();
    await rm(hlsDir, { recursive: true, force: true });
  };
  return { sfu, egress, hlsDir, close };
}

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FfmpegProcess } from '../ffmpeg/FfmpegProcess.js';
import { boundUdpSockets, PortAllocator, waitForUdpListener } from '../rtp/PortAllocator.js';
import { buildSdp } from '../rtp/sdp.js';
import { audioDecoderArgs, videoDecoderArgs } from './decoderArgs.js';

const ports = new PortAllocator(46900, 46999);

async function socketsOn(port: number): Promise<string[]> {
  const tables = await Promise.all(['/proc/net/udp', '/proc/net/udp6'].map((path) => readFile(path, 'utf8').catch(() => '')));
  return tables.flatMap(boundUdpSockets).filter((s) => s.port === port).map((s) => s.address);
}

/** Real FFmpeg decoders, started as the egress starts them: where do their RTP and RTCP sockets listen? */
describe('egress decoders receive RTP on loopback only', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'roomcast-bind-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases = [
    {
      kind: 'video' as const,
      codec: { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 },
      args: (sdpPath: string) => videoDecoderArgs({ sdpPath, width: 320, height: 180 }),
    },
    {
      kind: 'audio' as const,
      codec: { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 },
      args: (sdpPath: string) => audioDecoderArgs(sdpPath),
    },
  ];

  for (const { kind, codec, args } of cases) {
    it(`binds the ${kind} decoder's RTP and RTCP sockets to 127.0.0.1, not 0.0.0.0`, async () => {
      const port = await ports.allocate();
      const sdpPath = join(dir, `${kind}.sdp`);
      await writeFile(sdpPath, buildSdp({ kind, rtpPort: port, rtpParameters: { codecs: [codec], encodings: [{ ssrc: 1 }] } }));
      const decoder = await FfmpegProcess.spawn(args(sdpPath), { pipes: { stdout: true } });
      try {
        decoder.stdout.resume();
        expect(await waitForUdpListener(port, 5000)).toBe(true);
        expect(await socketsOn(port)).toEqual(['127.0.0.1']);
        expect(await socketsOn(port + 1)).toEqual(['127.0.0.1']);
      } finally {
        await decoder.stop(500);
        ports.release(port);
      }
    });
  }
});

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveStreamActor } from '@roomcast/protocol';
import type { RtpTap, Sfu } from '@roomcast/sfu';
import type { EgressService } from '../EgressService.js';
import { SyntheticPublisher } from '../synthetic/SyntheticPublisher.js';
import { startTestEgress, type TestEgress } from '../testing/testEgress.js';
import { joinRendition, meanSaturation, probeVideo } from '../testing/probeVideo.js';

const API: LiveStreamActor = { type: 'api', identity: null };

/**
 * EGRESS_RTP_SRTP (issue 13: SRTP for RTP that crosses hosts): every tap the egress asks for is
 * SRTP, and FFmpeg decrypts it with the key from its SDP (real worker, FFmpeg, libsrtp).
 */
describe('SRTP taps', () => {
  let sfu: Sfu;
  let egress: EgressService;
  let test: TestEgress | undefined;

  beforeAll(async () => {
    test = await startTestEgress({ portBase: 45200, egress: { rtpSrtp: true } });
    ({ sfu, egress } = test);
  });

  afterAll(async () => {
    await test?.close();
  });

  it('composites a room from encrypted taps: the HLS output decodes, and the taps were SRTP', async () => {
    const room = await sfu.createRoom('secret');
    // Every tap the egress asks of the room, as the room answered it.
    const taps: RtpTap[] = [];
    const openTap = room.openTap.bind(room);
    room.openTap = async (producerId, target) => {
      const tap = await openTap(producerId, target);
      taps.push(tap);
      return tap;
    };
    const publisher = await SyntheticPublisher.start(room, { identity: 'alice', name: 'Alice' });
    try {
      const stream = await egress.liveStreams.start('secret', { quality: '360p', recording: { hls_vod: true } }, API);
      await expect.poll(() => egress.liveStreams.get(stream.id).status, { timeout: 15_000 }).toBe('running');
      await expect.poll(() => taps.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      expect(taps.map((t) => t.srtpParameters?.cryptoSuite)).toEqual(taps.map(() => 'AES_CM_128_HMAC_SHA1_80'));
      const dir = join(test!.hlsDir, 'recordings', stream.id, '360p');
      await expect.poll(async () => (await readdir(dir).catch(() => [])).filter((f) => f.startsWith('seg')).length, { timeout: 15_000 }).toBeGreaterThan(1);
      await egress.liveStreams.stop(stream.id, API);
      const joined = await joinRendition(dir, join(test!.hlsDir, 'joined.mp4'));
      const probed = await probeVideo(joined);
      expect(probed).toMatchObject({ codec_name: 'h264', width: 640 });
      expect(Number(probed.nb_read_frames)).toBeGreaterThan(10);
      // The publisher's vivid test picture, decrypted and decoded: not the grey card a tile shows without video.
      expect(await meanSaturation(joined)).toBeGreaterThan(20);
    } finally {
      await publisher.stop();
    }
  });
});

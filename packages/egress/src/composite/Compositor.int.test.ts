import { normalizeLayout } from '@roomcast/protocol';
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sfu, type Room } from '@roomcast/sfu';
import { PortAllocator } from '../rtp/PortAllocator.js';
import { SyntheticPublisher } from '../synthetic/SyntheticPublisher.js';
import { type CompositeSink, Compositor } from './Compositor.js';
import { qualityPreset } from './presets.js';

/**
 * The sink here records frames instead of encoding them: the encoder has its own tests, and this
 * one looks at the pictures the compositor hands over (a real mediasoup worker and real FFmpeg
 * decoders feed it).
 */
class RecordingSink implements CompositeSink {
  frames = 0;
  audioBytes = 0;
  last: Buffer | undefined;
  writeVideo(frame: Buffer, written: () => void): void {
    this.frames++;
    this.last = Buffer.from(frame);
    written();
  }
  writeAudio(pcm: Buffer): void {
    this.audioBytes += pcm.length;
  }
}

const preset = qualityPreset('360p');

/** Mean luma of a rectangle of the last frame: tells a placeholder card from decoded test video. */
function lumaVariance(frame: Buffer, x: number, y: number, w: number, h: number): number {
  const values: number[] = [];
  for (let row = y; row < y + h; row += 4) for (let col = x; col < x + w; col += 4) values.push(frame[row * preset.width + col]!);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length;
}

describe('Compositor (real worker, real FFmpeg decoders)', () => {
  let sfu: Sfu;
  let room: Room;
  let compositor: Compositor;
  const sink = new RecordingSink();
  const publishers: SyntheticPublisher[] = [];

  beforeAll(async () => {
    sfu = await Sfu.create({
      workers: { size: 1, rtcMinPort: 45400, rtcMaxPort: 45599 },
      webRtc: { listenIps: [{ ip: '127.0.0.1' }], initialAvailableOutgoingBitrate: 1_000_000, mediaTimeoutMs: 5000 },
      maxRooms: 2,
    });
    room = await sfu.createRoom('mix');
    compositor = new Compositor(
      { room, layout: normalizeLayout('grid'), preset, ports: new PortAllocator(45600, 45799), background: '#101828', placeholderColor: '#344054' },
      sink,
    );
    compositor.start();
  });

  afterAll(async () => {
    await compositor.stop();
    for (const p of publishers) await p.stop();
    sfu.close();
  });

  it('produces frames and silence from the start, in an empty room', async () => {
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.frames).toBeGreaterThanOrEqual(13);
    expect(sink.audioBytes).toBeGreaterThan(0);
    expect(compositor.tiles()).toEqual([]);
  });

  it('follows joins, mutes and leaves within a second, without pausing the output', async () => {
    publishers.push(await SyntheticPublisher.start(room, { identity: 'a', name: 'Ann' }));
    await expect.poll(() => compositor.tiles().length, { timeout: 1000 }).toBe(1);
    const [tile] = compositor.tiles();
    // Decoded video (moving colour bars) replaces the placeholder card.
    await expect.poll(() => lumaVariance(sink.last!, tile!.x, tile!.y, tile!.width, tile!.height), { timeout: 6000 }).toBeGreaterThan(500);

    publishers.push(await SyntheticPublisher.start(room, { identity: 'b', name: 'Ben' }));
    await expect.poll(() => compositor.tiles().length, { timeout: 1000 }).toBe(2);

    const framesBefore = sink.frames;
    const startedAt = performance.now();
    await room.setProducerPaused(publishers[0]!.participant, publishers[0]!.videoProducer!.id, true);
    await expect.poll(() => compositor.tiles()[0]!.subject.videoProducerId, { timeout: 1000 }).toBeNull();

    await publishers[1]!.stop();
    await expect.poll(() => compositor.tiles().length, { timeout: 1000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    const elapsedS = (performance.now() - startedAt) / 1000;
    // 30 fps throughout: a room event never stops the output.
    expect(sink.frames - framesBefore).toBeGreaterThanOrEqual(Math.floor(elapsedS * preset.fps) - 2);
  });

  it('switches layout on the next frame', async () => {
    publishers.push(await SyntheticPublisher.start(room, { identity: 'c', name: 'Cat' }));
    await expect.poll(() => compositor.tiles().length, { timeout: 1000 }).toBe(2);
    compositor.setLayout(normalizeLayout('spotlight'));
    await expect.poll(() => compositor.tiles()[0]!.width / compositor.tiles()[1]!.width, { timeout: 500 }).toBeGreaterThan(2);
    compositor.setLayout(normalizeLayout('single-participant'));
    await expect.poll(() => compositor.tiles().length, { timeout: 500 }).toBe(1);
  });

  it('leaves no decoder behind when stopped while its decoders are still starting', async () => {
    await compositor.stop();
    expect(decoderPids()).toEqual([]);
    const second = new Compositor({ room, layout: normalizeLayout('grid'), preset, ports: new PortAllocator(45800, 45899), background: '#101828', placeholderColor: '#344054' }, new RecordingSink());
    second.start();
    await expect.poll(decoderPids, { timeout: 2000, interval: 5 }).not.toEqual([]);
    await second.stop();
    expect(decoderPids()).toEqual([]);
  });
});

/** FFmpeg decoders (they read an SDP file) that are children of this test process. */
function decoderPids(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', 'input\\.sdp'], { encoding: 'utf8' }).trim().split('\n').map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

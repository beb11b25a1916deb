import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeLayout } from '@roomcast/protocol';
import { Sfu, type Room } from '@roomcast/sfu';
import { PortAllocator } from '../rtp/PortAllocator.js';
import { BYTES_PER_SAMPLE, SAMPLE_RATE } from './AudioMixer.js';
import { AUDIO_ONLY_TICK_MS, type CompositeSink, Compositor } from './Compositor.js';
import { qualityPreset } from './presets.js';

const BYTES_PER_MS = (SAMPLE_RATE * BYTES_PER_SAMPLE) / 1000;
/** The compositor's audio chunk (20 ms): what one 10 ms tick writes at most, in the steady state. */
const CHUNK_BYTES = 20 * BYTES_PER_MS;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A sink whose encoders grab their own pictures until told otherwise (as an EncoderSupervisor on a display). */
class GrabbingSink implements CompositeSink {
  wantsVideo = false;
  frames = 0;
  audioBytes = 0;
  /** Each audio write: its size, and when (performance.now()). */
  writes: Array<{ bytes: number; at: number }> = [];
  writeVideo(_frame: Buffer, written: () => void): void {
    this.frames++;
    written();
  }
  writeAudio(pcm: Buffer): void {
    this.audioBytes += pcm.length;
    this.writes.push({ bytes: pcm.length, at: performance.now() });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * The audio written so far is the clock's whole 20 ms chunks: nothing skipped, nothing twice. At its
 * last write, between 0 and one chunk was still due (plus a few ms: `startedAt` is read just before
 * the compositor starts its clock). A chunk lost or written twice is 20 ms off.
 */
function expectContinuousAudio(sink: GrabbingSink, startedAt: number): void {
  const last = sink.writes.at(-1)!;
  const dueMs = last.at - startedAt;
  const writtenMs = sink.audioBytes / BYTES_PER_MS;
  expect(dueMs - writtenMs).toBeGreaterThanOrEqual(-1);
  expect(dueMs - writtenMs).toBeLessThan(20 + 5);
}

describe('Compositor tick while the encoders grab their own pictures', () => {
  let sfu: Sfu;
  let room: Room;

  beforeAll(async () => {
    sfu = await Sfu.create({
      workers: { size: 1, rtcMinPort: 49100, rtcMaxPort: 49199 },
      webRtc: { listenIps: [{ ip: '127.0.0.1' }], initialAvailableOutgoingBitrate: 1_000_000, mediaTimeoutMs: 5000 },
      maxRooms: 1,
    });
    room = await sfu.createRoom('tick-cadence');
  });
  afterAll(() => sfu?.close());

  it('writes the sound in fewer, longer pieces, continuously, and draws again in step when asked', async () => {
    const sink = new GrabbingSink();
    const preset = qualityPreset('360p');
    const compositor = new Compositor(
      { room, layout: normalizeLayout('grid'), preset, ports: new PortAllocator(49200, 49299), background: '#101828', placeholderColor: '#344054' },
      sink,
    );
    const startedAt = performance.now();
    compositor.start();
    try {
      await sleep(1200);
      expect(sink.frames).toBe(0);
      // A tick's worth of chunks per write (a tick late at most), where 10 ms ticks write one at a time.
      expect(median(sink.writes.map((w) => w.bytes))).toBeGreaterThanOrEqual((AUDIO_ONLY_TICK_MS / 20 - 1) * CHUNK_BYTES);
      expectContinuousAudio(sink, startedAt);

      sink.wantsVideo = true;
      const resumedAt = performance.now();
      const writesBefore = sink.writes.length;
      await expect.poll(() => sink.frames, { timeout: 2000 }).toBeGreaterThan(0);
      await sleep(600);
      // In step with the clock: the frames of the time since drawing resumed (a tick late at most, and
      // a late tick on a busy machine), not a burst of the 36 or so skipped while the encoders grabbed their own.
      const dueSinceResume = ((performance.now() - resumedAt) * preset.fps) / 1000;
      // (The lower bound only says drawing goes on: a busy machine may hold a tick back.)
      expect(sink.frames).toBeGreaterThan(dueSinceResume / 2);
      expect(sink.frames).toBeLessThan(dueSinceResume + 5);
      // Back to 10 ms ticks: one chunk per write.
      expect(median(sink.writes.slice(writesBefore + 2).map((w) => w.bytes))).toBe(CHUNK_BYTES);
      expectContinuousAudio(sink, startedAt);
    } finally {
      await compositor.stop();
    }
  });
});

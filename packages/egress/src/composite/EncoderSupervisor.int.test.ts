import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { FlvTagReader } from '../fanout/FlvTagReader.js';
import { ffmpegPath } from '../ffmpeg/ffmpegPath.js';
import { childProcesses, ffmpegChildren } from '../testing/childProcesses.js';
import { XvfbDisplay } from '../web/XvfbDisplay.js';
import { feedSink } from '../testing/feedSink.js';
import { ENCODER_FAILED, EncoderSupervisor } from './EncoderSupervisor.js';
import { qualityPreset } from './presets.js';

const preset = qualityPreset('360p');


/** What one relay reads from the fan-out: the bytes, parsed back into tags. */
function listen(supervisor: EncoderSupervisor) {
  const reader = new FlvTagReader();
  const seen = { bytes: [] as Buffer[], videoTimestamps: [] as number[], flvHeaders: 0 };
  supervisor.fanout.add({
    write: (bytes) => {
      seen.bytes.push(bytes);
      if (bytes.subarray(0, 3).toString('latin1') === 'FLV') seen.flvHeaders++;
      for (const tag of reader.push(bytes)) if (tag.type === 'video' && !tag.sequenceHeader) seen.videoTimestamps.push(tag.timestampMs);
      return true;
    },
  });
  return seen;
}

/** The mean luma of every picture in the FLV a listener read (decoded by FFmpeg, scaled to one grey pixel). */
function lumaPerFrame(bytes: Buffer[]): number[] {
  const decoded = spawnSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-f', 'flv', '-i', 'pipe:0', '-vf', 'scale=1:1,format=gray', '-f', 'rawvideo', 'pipe:1'], {
    input: Buffer.concat(bytes),
    maxBuffer: 1 << 24,
  });
  return [...decoded.stdout];
}

/** The most FFmpeg children seen at once over `ms`, sampled every 10 ms. */
async function mostFfmpegChildrenWithin(ms: number): Promise<number> {
  let most = 0;
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 10))) most = Math.max(most, ffmpegChildren().length);
  return most;
}

/** The grey pictures feedSink writes (Y 128), Xvfb's empty black root (Y 16). */
const isGrey = (y: number): boolean => Math.abs(y - 128) < 10;
const isBlack = (y: number): boolean => y < 30;

describe('EncoderSupervisor (real FFmpeg)', () => {
  let supervisor: EncoderSupervisor | undefined;
  let xvfb: XvfbDisplay | undefined;
  let stopFeeding = () => undefined as void;
  afterEach(async () => {
    stopFeeding();
    await supervisor?.stop();
    await xvfb?.stop();
    xvfb = undefined;
    expect(ffmpegChildren()).toEqual([]);
  });

  it("switches to grabbing a display and back without its listeners noticing: one stream, the display's picture between", async () => {
    supervisor = await EncoderSupervisor.start({ preset });
    const seen = listen(supervisor);
    stopFeeding = feedSink(supervisor, preset);
    await expect.poll(() => seen.videoTimestamps.length, { timeout: 5000 }).toBeGreaterThan(10);
    xvfb = await XvfbDisplay.start(preset.width, preset.height, 10_000);

    supervisor.useVideoSource({ kind: 'display', display: xvfb.display, xauthority: xvfb.xauthority });
    await expect.poll(() => supervisor!.source.kind, { timeout: 5000 }).toBe('display');
    // Only the grabbing encoder is left, and nothing need be written to it.
    await expect.poll(() => ffmpegChildren().length, { timeout: 3000 }).toBe(1);
    expect(childProcesses().find((c) => c.pid === supervisor!.ffmpeg.pid)?.argv).toContain('x11grab');
    expect(supervisor.wantsVideo).toBe(false);
    const grabbed = seen.videoTimestamps.length;
    await expect.poll(() => seen.videoTimestamps.length, { timeout: 5000 }).toBeGreaterThan(grabbed + 15);

    supervisor.useVideoSource({ kind: 'pipe' });
    expect(supervisor.wantsVideo).toBe(true);
    await expect.poll(() => supervisor!.source.kind, { timeout: 5000 }).toBe('pipe');
    const back = seen.videoTimestamps.length;
    await expect.poll(() => seen.videoTimestamps.length, { timeout: 5000 }).toBeGreaterThan(back + 15);

    expect(seen.flvHeaders).toBe(1);
    expect(seen.videoTimestamps.filter((ts, i) => i > 0 && ts < seen.videoTimestamps[i - 1]!)).toEqual([]);
    expect(supervisor.restarts).toBe(0);
    // Grey, then the display's black, then grey again: each source's picture, in that order.
    const runs = lumaPerFrame(seen.bytes).map((y) => (isGrey(y) ? 'grey' : isBlack(y) ? 'black' : 'other')).filter((kind, i, all) => i === 0 || kind !== all[i - 1]);
    expect(runs).toEqual(['grey', 'black', 'grey']);
  });

  it('stays on the pictures written to it when a display cannot be grabbed, and does not try it again', async () => {
    supervisor = await EncoderSupervisor.start({ preset });
    const seen = listen(supervisor);
    const failures: string[] = [];
    supervisor.on('failed', (reason) => void failures.push(reason));
    stopFeeding = feedSink(supervisor, preset);
    await supervisor.firstOutput;
    const firstPid = supervisor.ffmpeg.pid;
    const noDisplay = { kind: 'display', display: ':987', xauthority: '/nonexistent' } as const;
    supervisor.useVideoSource(noDisplay);
    // The grabbing encoder is tried (a second FFmpeg), fails, and is gone.
    expect(await mostFfmpegChildrenWithin(1500)).toBe(2);
    expect(ffmpegChildren().length).toBe(1);
    supervisor.useVideoSource(noDisplay);
    expect(await mostFfmpegChildrenWithin(1000)).toBe(1);
    const before = seen.videoTimestamps.length;
    await expect.poll(() => seen.videoTimestamps.length, { timeout: 5000 }).toBeGreaterThan(before + 10);
    expect(supervisor.ffmpeg.pid).toBe(firstPid);
    expect(supervisor.source.kind).toBe('pipe');
    expect(supervisor.restarts).toBe(0);
    expect(failures).toEqual([]);
  });

  it('replaces a killed encoder, and its listeners read on: one header, timestamps only going forward', async () => {
    supervisor = await EncoderSupervisor.start({ preset, restart: { initialDelayMs: 50, maxDelayMs: 200, healthyAfterMs: 60_000, maxRestarts: 2, windowMs: 60_000 } });
    const seen = listen(supervisor);
    let restarts = 0;
    supervisor.on('restarted', () => void restarts++);
    stopFeeding = feedSink(supervisor, preset);
    await expect.poll(() => seen.videoTimestamps.length, { timeout: 5000 }).toBeGreaterThan(10);

    const firstPid = supervisor.ffmpeg.pid!;
    process.kill(firstPid, 'SIGKILL');
    await expect.poll(() => restarts, { timeout: 5000 }).toBe(1);
    expect(supervisor.ffmpeg.pid).not.toBe(firstPid);
    const before = seen.videoTimestamps.length;
    await expect.poll(() => seen.videoTimestamps.length, { timeout: 5000 }).toBeGreaterThan(before + 10);

    expect(seen.flvHeaders).toBe(1);
    const backwards = seen.videoTimestamps.filter((ts, i) => i > 0 && ts < seen.videoTimestamps[i - 1]!);
    expect(backwards).toEqual([]);
    expect(supervisor.restarts).toBe(1);
  });

  it('gives up after too many crashes in the window', async () => {
    supervisor = await EncoderSupervisor.start({ preset, restart: { initialDelayMs: 50, maxDelayMs: 200, healthyAfterMs: 60_000, maxRestarts: 1, windowMs: 60_000 } });
    const failures: string[] = [];
    supervisor.on('failed', (reason) => void failures.push(reason));
    let restarts = 0;
    supervisor.on('restarted', () => void restarts++);
    stopFeeding = feedSink(supervisor, preset);
    await supervisor.firstOutput;
    process.kill(supervisor.ffmpeg.pid!, 'SIGKILL');
    await expect.poll(() => restarts, { timeout: 5000 }).toBe(1);
    process.kill(supervisor.ffmpeg.pid!, 'SIGKILL');
    await expect.poll(() => failures, { timeout: 5000 }).toEqual([ENCODER_FAILED]);
    expect(supervisor.ffmpeg.running).toBe(false);
  });
});

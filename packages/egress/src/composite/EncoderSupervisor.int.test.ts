import { afterEach, describe, expect, it } from 'vitest';
import { FlvTagReader } from '../fanout/FlvTagReader.js';
import { ffmpegChildren } from '../testing/childProcesses.js';
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

describe('EncoderSupervisor (real FFmpeg)', () => {
  let supervisor: EncoderSupervisor | undefined;
  let stopFeeding = () => undefined as void;
  afterEach(async () => {
    stopFeeding();
    await supervisor?.stop();
    expect(ffmpegChildren()).toEqual([]);
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

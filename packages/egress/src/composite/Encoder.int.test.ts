import { afterEach, describe, expect, it } from 'vitest';
import { FlvFanout } from '../fanout/FlvFanout.js';
import { FlvTagReader } from '../fanout/FlvTagReader.js';
import { feedSink } from '../testing/feedSink.js';
import { Encoder } from './Encoder.js';
import { qualityPreset } from './presets.js';

const preset = qualityPreset('360p');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));


describe('Encoder (real FFmpeg)', () => {
  let encoder: Encoder | undefined;
  afterEach(async () => {
    await encoder?.stop();
  });

  it('keeps audio in step with video when it has to drop frames', async () => {
    const fanout = new FlvFanout();
    encoder = await Encoder.start(preset, fanout);
    const reader = new FlvTagReader();
    const last = { audio: 0, video: 0 };
    fanout.add({
      write: (bytes) => {
        for (const tag of reader.push(bytes)) if (tag.type === 'audio' || tag.type === 'video') last[tag.type] = tag.timestampMs;
        return true;
      },
    });
    const stopFeeding = feedSink(encoder, preset);
    await sleep(1000);
    // Freeze FFmpeg for 2.5 s: frames queue up past the 1 s limit and the encoder drops some.
    process.kill(encoder.ffmpeg.pid!, 'SIGSTOP');
    await sleep(2500);
    process.kill(encoder.ffmpeg.pid!, 'SIGCONT');
    await sleep(1500);
    stopFeeding();
    await encoder.stop(); // drains what is queued
    expect(encoder.droppedFrames).toBeGreaterThan(10);
    // Without the audio skipped for them, video would end droppedFrames / fps (over 0.3 s) early.
    expect(Math.abs(last.audio - last.video)).toBeLessThan(150);
  });
});

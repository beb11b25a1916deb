import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ffmpegPath, ffprobePath } from '../ffmpeg/ffmpegPath.js';
import { FlvFanout } from './FlvFanout.js';
import { FlvTagReader, type FlvTag } from './FlvTagReader.js';

/** A real FLV from FFmpeg: 3 s of H.264 (keyframe every second) + AAC. */
function encodedFlv(): Buffer {
  return execFileSync(ffmpegPath(), [
    '-hide_banner', '-loglevel', 'error',
    '-f', 'lavfi', '-i', 'testsrc2=size=160x96:rate=10', '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-x264-params', 'scenecut=0', '-c:a', 'aac', '-f', 'flv', 'pipe:1',
  ], { maxBuffer: 16 * 1024 * 1024 });
}

describe('FLV fan-out (real FFmpeg output)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const flv = encodedFlv();

  function readAll(chunkSize: number): FlvTag[] {
    const reader = new FlvTagReader();
    const tags: FlvTag[] = [];
    for (let i = 0; i < flv.length; i += chunkSize) tags.push(...reader.push(flv.subarray(i, i + chunkSize)));
    return tags;
  }

  it('splits the stream into tags, whatever the chunking', () => {
    const whole = readAll(flv.length);
    expect(readAll(7)).toHaveLength(whole.length);
    const frames = whole.filter((t) => t.type === 'video' && !t.sequenceHeader).length;
    expect(frames).toBeGreaterThanOrEqual(30);
    expect(whole.filter((t) => t.keyframe).length).toBe(Math.ceil(frames / 10));
    expect(whole.filter((t) => t.sequenceHeader).map((t) => t.type).sort()).toEqual(['audio', 'video']);
    expect(whole[0]?.type).toBe('script');
  });

  it('starts a late listener at a keyframe with the codec configuration, as a playable stream', () => {
    const reader = new FlvTagReader();
    const fanout = new FlvFanout();
    const early: Buffer[] = [];
    const late: Buffer[] = [];
    fanout.add({ write: (b) => early.push(b) > 0 });
    const tags = reader.push(flv);
    fanout.setHeader(reader.header!);
    const secondKeyframe = tags.findIndex((t, i) => t.keyframe && i > tags.findIndex((k) => k.keyframe));
    tags.forEach((tag, i) => {
      if (i === secondKeyframe - 2) fanout.add({ write: (b) => late.push(b) > 0 });
      fanout.push([tag]);
    });
    const lateFlv = Buffer.concat(late);
    const lateTags = new FlvTagReader().push(lateFlv);
    expect(lateTags.slice(0, 3).map((t) => t.type)).toEqual(['script', 'video', 'audio']);
    expect(lateTags.find((t) => !t.sequenceHeader && t.type === 'video')?.keyframe).toBe(true);
    const file = join(dir, 'late.flv');
    writeFileSync(file, lateFlv);
    const probe = JSON.parse(execFileSync(ffprobePath(), ['-v', 'error', '-show_streams', '-of', 'json', file], { encoding: 'utf8' })) as {
      streams: Array<{ codec_name: string; width?: number }>;
    };
    expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(Buffer.concat(early).length).toBeGreaterThan(lateFlv.length);
  });

  it('hands each push (one read of the encoder) to a listener as one write, in order', () => {
    const reader = new FlvTagReader();
    const tags = reader.push(flv);
    const fanout = new FlvFanout();
    fanout.setHeader(reader.header!);
    const writes: Buffer[] = [];
    fanout.add({ write: (b) => writes.push(b) > 0 });
    const firstKeyframe = tags.findIndex((t) => t.keyframe);
    const batches = [tags.slice(0, firstKeyframe + 3), tags.slice(firstKeyframe + 3, firstKeyframe + 9), tags.slice(firstKeyframe + 9)];
    for (const batch of batches) fanout.push(batch);
    expect(writes).toHaveLength(3);
    // The first write starts at the keyframe, with the header and codec configuration before it.
    const replayed = new FlvTagReader().push(Buffer.concat(writes));
    expect(replayed.slice(0, 3).map((t) => t.type)).toEqual(['script', 'video', 'audio']);
    const fromKeyframe = tags.slice(firstKeyframe).map((t) => t.bytes);
    expect(replayed.slice(3).map((t) => t.bytes)).toEqual(fromKeyframe);
  });
});

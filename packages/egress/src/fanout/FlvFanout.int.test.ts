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
      fanout.push(tag);
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
});

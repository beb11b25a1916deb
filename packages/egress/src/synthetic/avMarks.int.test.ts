import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../ffmpeg/ffmpegPath.js';
import { beepOnsets, beepSource, flashFilter, flashOnsets, markAnalysisFilters, pairOffsetsMs, parseMetadataLog } from './avMarks.js';

const dir = mkdtempSync(join(tmpdir(), 'roomcast-avmarks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The marks through a real encode (x264 + AAC in FLV, as the egress sends them) and the analysis
 * filters a benchmark reader uses: the offsets the benchmark would report for this file.
 */
function measuredOffsets(name: string, audioFilter: string | undefined): { offsets: number[]; flashes: number; beeps: number } {
  const flv = join(dir, `${name}.flv`);
  execFileSync(ffmpegPath(), [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=160x90:rate=30,${flashFilter(30)}`,
    '-f', 'lavfi', '-i', beepSource(),
    ...(audioFilter ? ['-af', audioFilter] : []),
    '-t', '6.5', '-c:v', 'libx264', '-preset', 'ultrafast', '-c:a', 'aac', '-f', 'flv', flv,
  ]);
  const [lumaFile, rmsFile] = [join(dir, `${name}-luma.txt`), join(dir, `${name}-rms.txt`)];
  const filters = markAnalysisFilters(lumaFile, rmsFile);
  execFileSync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-i', flv, '-vf', filters.video, '-af', filters.audio, '-f', 'null', '-']);
  const flashes = flashOnsets(parseMetadataLog(readFileSync(lumaFile, 'utf8'), 'lavfi.signalstats.YAVG'));
  const beeps = beepOnsets(parseMetadataLog(readFileSync(rmsFile, 'utf8'), 'lavfi.astats.Overall.RMS_level'));
  return { offsets: pairOffsetsMs(flashes, beeps), flashes: flashes.length, beeps: beeps.length };
}

describe('A/V marks through FFmpeg', () => {
  it('flash and beep of the same instant read 0 ms apart after an H.264 + AAC encode', () => {
    const { offsets, flashes, beeps } = measuredOffsets('synced', undefined);
    // Marks at 0, 2, 4, 6 s. The flash at 0 is on from the first frame, so it has no onset; the
    // beep at 0 has one, after the AAC encoder's priming silence, and pairs with no flash.
    expect(flashes).toBe(3);
    expect(beeps).toBe(4);
    expect(offsets).toEqual([0, 0, 0]);
  });

  it('sound delayed by 100 ms reads +100 ms', () => {
    const { offsets } = measuredOffsets('late', 'adelay=delays=100:all=1');
    expect(offsets).toHaveLength(3);
    for (const ms of offsets) expect(Math.abs(ms - 100)).toBeLessThanOrEqual(1);
  });
});

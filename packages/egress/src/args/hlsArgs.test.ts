import { describe, expect, it } from 'vitest';
import { hlsPartTiming, hlsRemuxArgs } from './hlsArgs.js';

const valueOf = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

describe('HLS remux arguments', () => {
  it('cuts parts of whole frames, just under n frames so a millisecond of rounding never adds one', () => {
    expect(hlsPartTiming(0.333, 30)).toEqual({ framesPerPart: 10, fragmentDurationUs: 330000, partTargetS: 0.337 });
    const at25 = hlsPartTiming(0.333, 25);
    expect(at25.framesPerPart).toBe(8);
    expect(at25.fragmentDurationUs).toBeGreaterThan((7 / 25) * 1e6);
    expect(at25.fragmentDurationUs).toBeLessThan((8 / 25) * 1e6 - 1000);
    expect(at25.partTargetS).toBeGreaterThanOrEqual(8 / 25 + 0.001);
    // A target shorter than a frame still makes parts of one frame.
    expect(hlsPartTiming(0.01, 30).framesPerPart).toBe(1);
    expect(() => hlsPartTiming(0, 30)).toThrow();
    expect(() => hlsPartTiming(0.333, Number.NaN)).toThrow();
  });

  it('copies the FLV from stdin into fragmented MP4 on stdout, init segment first', () => {
    const args = hlsRemuxArgs(hlsPartTiming(0.333, 30));
    expect(valueOf(args, '-protocol_whitelist')).toBe('pipe');
    expect(args.indexOf('-protocol_whitelist')).toBeLessThan(args.indexOf('-i'));
    expect(valueOf(args, '-i')).toBe('pipe:0');
    expect(valueOf(args, '-c')).toBe('copy');
    expect(valueOf(args, '-f')).toBe('flv');
    const movflags = valueOf(args, '-movflags')!.split('+');
    expect(movflags).toEqual(expect.arrayContaining(['empty_moov', 'frag_keyframe', 'default_base_moof', 'frag_discont']));
    expect(valueOf(args, '-frag_duration')).toBe('330000');
    expect(valueOf(args, '-use_editlist')).toBe('0');
    expect(args.slice(-3)).toEqual(['-flush_packets', '1', 'pipe:1']);
    expect(args[args.lastIndexOf('-f') + 1]).toBe('mp4');
  });
});

import { describe, expect, it } from 'vitest';
import { beepOnsets, beepSource, flashFilter, flashOnsets, pairOffsetsMs, parseMetadataLog, risingEdges, type Sample } from './avMarks.js';

/** `count` samples, one every `stepS` from 0, `on` where `isOn(index)` (integers: no rounding doubt). */
function series(count: number, stepS: number, isOn: (i: number) => boolean, on: number, off: number): Sample[] {
  return Array.from({ length: count }, (_, i) => ({ t: i * stepS, value: isOn(i) ? on : off }));
}

describe('A/V mark sources', () => {
  it('flash and beep are keyed on frame and sample counters: 3 frames of 60 at 30 fps, 4800 samples of 96000', () => {
    expect(flashFilter(30)).toBe("drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(n,60),3)'");
    expect(flashFilter(15)).toContain("'lt(mod(n,30),2)'");
    expect(beepSource()).toBe("aevalsrc=exprs='0.5*sin(2*PI*1000*t)*lt(mod(n\\,96000)\\,4800)':sample_rate=48000");
  });
});

describe('parseMetadataLog', () => {
  it('reads pts_time and the value of the key per frame, -inf as -Infinity, other keys ignored', () => {
    const text = [
      'frame:0    pts:0       pts_time:0',
      'lavfi.astats.Overall.RMS_level=-inf',
      'frame:1    pts:48      pts_time:0.001',
      'lavfi.other=3',
      'lavfi.astats.Overall.RMS_level=-9.030900',
      'frame:2    pts:96      pts_time:0.002',
      '',
    ].join('\n');
    expect(parseMetadataLog(text, 'lavfi.astats.Overall.RMS_level')).toEqual([
      { t: 0, value: -Infinity },
      { t: 0.001, value: -9.0309 },
    ]);
  });

  it('ignores values before the first frame line', () => {
    expect(parseMetadataLog('lavfi.signalstats.YAVG=200\nframe:0 pts:0 pts_time:1.5\nlavfi.signalstats.YAVG=16\n', 'lavfi.signalstats.YAVG')).toEqual([{ t: 1.5, value: 16 }]);
  });
});

describe('risingEdges', () => {
  it('finds the first sample of each mark, not one already on at the start, not a dip inside a mark', () => {
    const s: Sample[] = [
      { t: 0, value: 10 }, // on at the start: its onset is unknown
      { t: 0.5, value: 0 },
      { t: 2, value: 10 },
      { t: 2.01, value: 0 }, // dip
      { t: 2.02, value: 10 },
      { t: 2.1, value: 0 },
      { t: 4, value: 10 },
    ];
    expect(risingEdges(s, 5, 1)).toEqual([2, 4]);
  });
});

describe('flashOnsets and beepOnsets', () => {
  it('find flashes of luma 235 over a picture of about 120, at 30 fps', () => {
    const luma = series(210, 1 / 30, (i) => i % 60 < 3, 235, 120).map((s, i) => ({ ...s, value: s.value + (i % 3) }));
    expect(flashOnsets(luma).map((t) => Math.round(t * 1000))).toEqual([2000, 4000, 6000]);
  });

  it('find no flash in a picture that never gets much brighter', () => {
    expect(flashOnsets(series(150, 1 / 30, (i) => i % 60 < 3, 130, 120))).toEqual([]);
    expect(flashOnsets([])).toEqual([]);
  });

  it('find beeps by RMS per millisecond, ignoring a quiet pre-echo 20 dB or more below', () => {
    // Beeps from 21 ms into each 2 s for 100 ms; at 17-19 ms, 40 dB below them, an encoder's pre-echo.
    const rms = series(5000, 0.001, (i) => i % 2000 >= 21 && i % 2000 < 121, -9, -Infinity).map((s, i) =>
      i % 2000 >= 17 && i % 2000 <= 19 ? { ...s, value: -49 } : s,
    );
    expect(beepOnsets(rms).map((t) => Math.round(t * 1000))).toEqual([21, 2021, 4021]);
  });

  it('find no beep in silence', () => {
    expect(beepOnsets(series(3000, 0.001, () => false, 0, -Infinity))).toEqual([]);
    expect(beepOnsets([])).toEqual([]);
  });
});

describe('pairOffsetsMs', () => {
  it('pairs each flash with the nearest beep: audio minus video, in ms; a flash with no beep near is left out', () => {
    expect(pairOffsetsMs([2, 4, 6, 8], [2.03, 3.99, 6.1], 0.5)).toEqual([30, -10, 100]);
    expect(pairOffsetsMs([2], [], 0.5)).toEqual([]);
  });
});

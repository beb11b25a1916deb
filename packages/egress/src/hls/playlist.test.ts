import { describe, expect, it } from 'vitest';
import { checkLlHls } from './checkLlHls.js';
import { HlsTimeline, type TimelineOptions, type TimelineSnapshot } from './HlsTimeline.js';
import { masterPlaylist } from './masterPlaylist.js';
import { mediaPlaylist } from './mediaPlaylist.js';

const PART = 1 / 3;
const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);

/** A timeline fed `parts` parts of 10 frames at 30 fps, a keyframe every 6 (a 2 s GOP). */
function timeline(parts: number, options: Partial<TimelineOptions> = {}): HlsTimeline {
  const t = new HlsTimeline({ segmentTargetS: 2, partTargetS: 0.337, windowSegments: 3, keepAll: false, ...options });
  for (let i = 0; i < parts; i++) t.addPart({ durationS: PART, independent: i % 6 === 0, startS: 10 + i * PART }, T0 + i * 333);
  return t;
}

const render = (t: HlsTimeline, keepAll = false) => mediaPlaylist(t, { partTargetS: 0.337, keepAll });

describe('HLS timeline', () => {
  it('starts a segment at each keyframe part once the current one is long enough', () => {
    const t = timeline(14);
    expect(t.segments.map((s) => [s.msn, s.parts.map((p) => p.index)])).toEqual([
      [0, [0, 1, 2, 3, 4, 5]],
      [1, [6, 7, 8, 9, 10, 11]],
    ]);
    expect(t.current?.parts.map((p) => p.index)).toEqual([12, 13]);
    expect(t.segments[0]?.durationS).toBeCloseTo(2, 9);
    expect(t.segments[1]?.programDateTime.toISOString()).toBe('2025-01-01T12:00:02.000Z');
    expect(t.edge()).toEqual({ msn: 2, part: 1 });
    expect(t.nextPartIndex).toBe(14);
  });

  it('keeps a sliding window of complete segments, or everything when recording', () => {
    const live = timeline(6 * 6 + 1);
    expect(live.segments.map((s) => s.msn)).toEqual([3, 4, 5]);
    expect(live.mediaSequence).toBe(3);
    const recording = timeline(6 * 6 + 1, { keepAll: true });
    expect(recording.segments.map((s) => s.msn)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(recording.mediaSequence).toBe(0);
  });

  it('reports which segments left the window as they leave', () => {
    const t = timeline(6 * 3);
    const added = t.addPart({ durationS: PART, independent: true, startS: 16 }, T0);
    expect(added.closed?.msn).toBe(2);
    expect(added.removed.map((s) => s.msn)).toEqual([]);
    for (let i = 1; i < 6; i++) t.addPart({ durationS: PART, independent: false, startS: 16 + i * PART }, T0);
    expect(t.addPart({ durationS: PART, independent: true, startS: 18 }, T0).removed.map((s) => s.msn)).toEqual([0]);
  });

  it('knows which segments and parts exist, for blocking reloads', () => {
    const t = timeline(8);
    expect(t.has(0)).toBe(true);
    expect(t.has(0, 5)).toBe(true);
    expect(t.has(0, 9)).toBe(true); // a later part exists: the request is answered
    expect(t.has(1, 1)).toBe(true);
    expect(t.has(1, 2)).toBe(false);
    expect(t.has(1)).toBe(false);
    expect(t.has(2, 0)).toBe(false);
    t.end();
    expect(t.has(1)).toBe(true);
    expect(t.has(2, 0)).toBe(false);
  });

  it('cuts a segment without a keyframe once it would round above the target duration', () => {
    const t = new HlsTimeline({ segmentTargetS: 2, partTargetS: 0.337, windowSegments: 6, keepAll: false });
    for (let i = 0; i < 20; i++) t.addPart({ durationS: PART, independent: i === 0, startS: i * PART }, T0);
    expect(t.segments.map((s) => s.parts.length)).toEqual([7, 7]);
    expect(Math.round(t.segments[0]!.durationS)).toBeLessThanOrEqual(t.targetDurationS);
  });
});

describe('media playlist', () => {
  it('writes the LL-HLS tags in order, parts near the edge, and a preload hint for the next part', () => {
    const text = render(timeline(14));
    expect(text).toBe(
      [
        '#EXTM3U',
        '#EXT-X-VERSION:6',
        '#EXT-X-TARGETDURATION:2',
        '#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.011',
        '#EXT-X-PART-INF:PART-TARGET=0.337',
        '#EXT-X-MEDIA-SEQUENCE:0',
        '#EXT-X-MAP:URI="init.mp4"',
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-01T12:00:00.000Z',
        '#EXT-X-PART:DURATION=0.33333,URI="part0.m4s",INDEPENDENT=YES',
        ...[1, 2, 3, 4, 5].map((i) => `#EXT-X-PART:DURATION=0.33333,URI="part${i}.m4s"`),
        '#EXTINF:2.00000,',
        'seg0.m4s',
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-01T12:00:02.000Z',
        '#EXT-X-PART:DURATION=0.33333,URI="part6.m4s",INDEPENDENT=YES',
        ...[7, 8, 9, 10, 11].map((i) => `#EXT-X-PART:DURATION=0.33333,URI="part${i}.m4s"`),
        '#EXTINF:2.00000,',
        'seg1.m4s',
        '#EXT-X-PROGRAM-DATE-TIME:2025-01-01T12:00:04.000Z',
        '#EXT-X-PART:DURATION=0.33333,URI="part12.m4s",INDEPENDENT=YES',
        '#EXT-X-PART:DURATION=0.33333,URI="part13.m4s"',
        '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part14.m4s"',
        '',
      ].join('\n'),
    );
    expect(checkLlHls(text)).toEqual([]);
  });

  it('lists parts only for segments within three target durations of the edge', () => {
    const text = render(timeline(6 * 6 + 2, { windowSegments: 6 }));
    expect(text).toMatch(/#EXT-X-MEDIA-SEQUENCE:0\n/);
    expect(text).not.toContain('URI="part17.m4s"'); // segment 2 ends 6.67 s before the edge
    expect(text).toContain('URI="part18.m4s"'); // segment 3 ends 4.67 s before it
    expect(text).toContain('seg2.m4s');
    expect(checkLlHls(text)).toEqual([]);
  });

  it('moves the media sequence with the window, naming the same segments', () => {
    const t = timeline(6 * 4);
    const before = render(t);
    for (let i = 0; i < 7; i++) t.addPart({ durationS: PART, independent: i % 6 === 0, startS: 18 + i * PART }, T0);
    const after = render(t);
    expect(after).toMatch(/#EXT-X-MEDIA-SEQUENCE:2\n/);
    expect(after).not.toContain('seg1.m4s');
    expect(checkLlHls(after, before)).toEqual([]);
  });

  it('ends with ENDLIST, no preload hint and no parts once ended; a recording is an EVENT playlist', () => {
    const t = timeline(16, { keepAll: true });
    t.end();
    const text = render(t, true);
    expect(text.trimEnd().split('\n').at(-1)).toBe('#EXT-X-ENDLIST');
    expect(text).not.toContain('PRELOAD-HINT');
    expect(text).not.toContain('#EXT-X-PART:');
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:EVENT\n');
    expect(text.match(/^seg\d+\.m4s$/gm)).toEqual(['seg0.m4s', 'seg1.m4s', 'seg2.m4s']);
    expect(text).toContain('#EXTINF:1.33333,\nseg2.m4s');
    expect(checkLlHls(text)).toEqual([]);
  });
});

describe('a resumed run (a new egress process)', () => {
  const OPTIONS: TimelineOptions = { segmentTargetS: 2, partTargetS: 0.337, windowSegments: 3, keepAll: false };
  /** Feeds `parts` parts of a new run starting at media time `startS`, a keyframe every 6. */
  const feed = (t: HlsTimeline, parts: number, startS: number) => {
    for (let i = 0; i < parts; i++) t.addPart({ durationS: PART, independent: i % 6 === 0, startS: startS + i * PART }, T0 + 60_000 + i * 333);
  };
  /** The first run died with 14 parts: two complete segments, a third with two parts that never got its file. */
  const died = (): TimelineSnapshot => JSON.parse(JSON.stringify(timeline(14).snapshot())) as TimelineSnapshot;

  it('keeps the complete segments, takes over the unfinished one\'s number and never reuses a part name', () => {
    const snapshot = died();
    expect(snapshot).toMatchObject({ nextMsn: 2, nextPartIndex: 14, run: 0, discontinuitySequence: 0 });
    expect(snapshot.mediaEndS).toBeCloseTo(10 + 14 * PART, 9);
    const t = new HlsTimeline(OPTIONS, snapshot);
    expect(t.run).toBe(1);
    expect(t.initName).toBe('init1.mp4');
    feed(t, 7, 20);
    expect(t.segments.map((s) => [s.msn, s.init, s.discontinuity])).toEqual([
      [0, 'init.mp4', false],
      [1, 'init.mp4', false],
      [2, 'init1.mp4', true],
    ]);
    expect(t.current?.parts.map((p) => p.index)).toEqual([20]);
    expect(t.segments[2]?.programDateTime.toISOString()).toBe('2025-01-01T12:01:00.000Z');
  });

  it('marks the discontinuity and the new init segment, and counts discontinuities that left the window', () => {
    const t = new HlsTimeline(OPTIONS, died());
    feed(t, 8, 20);
    const text = render(t);
    expect(text).toContain('#EXT-X-MAP:URI="init.mp4"\n#EXT-X-PROGRAM-DATE-TIME:2025-01-01T12:00:00.000Z\n#EXTINF:2.00000,\nseg0.m4s');
    expect(text).toContain('seg1.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI="init1.mp4"\n#EXT-X-PROGRAM-DATE-TIME:2025-01-01T12:01:00.000Z\n#EXT-X-PART:DURATION=0.33333,URI="part14.m4s",INDEPENDENT=YES');
    // The earlier run's segments list no parts (their part files are gone); the new ones do.
    expect(text).not.toMatch(/URI="part(\d|1[0-3])\.m4s"/);
    expect(text).not.toContain('DISCONTINUITY-SEQUENCE');
    expect(checkLlHls(text)).toEqual([]);

    feed(t, 6 * 3, 20 + 8 * PART);
    const later = render(t);
    // The resumed run's first segment is still listed (first): the tag stays and the sequence is 0.
    expect(later).toMatch(/#EXT-X-MEDIA-SEQUENCE:2\n#EXT-X-MAP:URI="init1.mp4"\n#EXT-X-DISCONTINUITY\n/);
    expect(checkLlHls(later, text)).toEqual([]);
    feed(t, 6, 20 + 26 * PART);
    const latest = render(t);
    expect(latest).toMatch(/#EXT-X-MEDIA-SEQUENCE:3\n#EXT-X-DISCONTINUITY-SEQUENCE:1\n#EXT-X-MAP:URI="init1.mp4"\n/);
    expect(latest).not.toContain('#EXT-X-DISCONTINUITY\n');
  });

  it('a recording keeps both runs and resumes again from its own snapshot', () => {
    const first = timeline(14, { keepAll: true });
    const second = new HlsTimeline({ ...OPTIONS, keepAll: true }, JSON.parse(JSON.stringify(first.snapshot())) as TimelineSnapshot);
    feed(second, 13, 20);
    const third = new HlsTimeline({ ...OPTIONS, keepAll: true }, JSON.parse(JSON.stringify(second.snapshot())) as TimelineSnapshot);
    expect(third.initName).toBe('init2.mp4');
    feed(third, 7, 30);
    third.end();
    const text = render(third, true);
    expect(text.match(/^seg\d+\.m4s$/gm)).toEqual(['seg0.m4s', 'seg1.m4s', 'seg2.m4s', 'seg3.m4s', 'seg4.m4s', 'seg5.m4s']);
    expect(text.match(/#EXT-X-MAP:URI="[^"]+"/g)).toEqual(['#EXT-X-MAP:URI="init.mp4"', '#EXT-X-MAP:URI="init1.mp4"', '#EXT-X-MAP:URI="init2.mp4"']);
    expect(text.match(/#EXT-X-DISCONTINUITY\n/g)).toHaveLength(2);
    expect(checkLlHls(text)).toEqual([]);
  });
});

describe('master playlist', () => {
  it('lists each rendition with bandwidth, resolution, codecs and frame rate', () => {
    const text = masterPlaylist([{ uri: '720p/index.m3u8', bandwidth: 3.4e6, width: 1280, height: 720, codecs: 'avc1.64001f,mp4a.40.2', frameRate: 30 }]);
    expect(text).toBe(
      '#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-STREAM-INF:BANDWIDTH=3400000,RESOLUTION=1280x720,CODECS="avc1.64001f,mp4a.40.2",FRAME-RATE=30.000\n720p/index.m3u8\n',
    );
    expect(() => masterPlaylist([{ uri: 'a"\n#EXT-X-X', bandwidth: 1, width: 1, height: 1, codecs: '', frameRate: 1 }])).toThrow();
  });
});

describe('LL-HLS checker', () => {
  const good = render(timeline(14));
  const broken = (from: string | RegExp, to: string) => checkLlHls(good.replace(from, to));

  it('finds missing or misplaced tags', () => {
    expect(broken('#EXT-X-PART-INF:PART-TARGET=0.337\n', '')).toEqual(expect.arrayContaining(['missing #EXT-X-PART-INF']));
    expect(broken('#EXTM3U\n', '')).toContain('the first line is not #EXTM3U');
    expect(broken('#EXT-X-MAP:URI="init.mp4"\n', '')).toEqual(expect.arrayContaining([expect.stringMatching(/missing #EXT-X-MAP/)]));
    expect(broken('#EXT-X-MEDIA-SEQUENCE:0\n', '').concat(broken('seg1.m4s\n', 'seg1.m4s\n#EXT-X-MEDIA-SEQUENCE:0\n'))).toEqual(
      expect.arrayContaining(['missing #EXT-X-MEDIA-SEQUENCE', '#EXT-X-MEDIA-SEQUENCE more than once']),
    );
    expect(checkLlHls(good.replace('#EXT-X-TARGETDURATION:2\n', '') + '#EXT-X-TARGETDURATION:2\n')).toEqual(
      expect.arrayContaining(['#EXT-X-TARGETDURATION after the first media segment', 'EXT-X-PRELOAD-HINT is not last']),
    );
    expect(checkLlHls(`${good}#EXT-X-ENDLIST\n`)).toContain('a preload hint in an ended playlist');
    expect(broken('CAN-BLOCK-RELOAD=YES', 'CAN-BLOCK-RELOAD=NO')).toContain('EXT-X-SERVER-CONTROL lacks CAN-BLOCK-RELOAD=YES');
  });

  it('finds durations that break the rules', () => {
    expect(broken('PART-HOLD-BACK=1.011', 'PART-HOLD-BACK=1.0')).toEqual([expect.stringMatching(/less than 3 x PART-TARGET/)]);
    expect(broken('DURATION=0.33333,URI="part13.m4s"', 'DURATION=0.34,URI="part13.m4s"')).toEqual([expect.stringMatching(/part13.m4s: part duration 0.34 not in/)]);
    expect(broken('DURATION=0.33333,URI="part8.m4s"', 'DURATION=0.2,URI="part8.m4s"')).toEqual(
      expect.arrayContaining([expect.stringMatching(/part8.m4s: part duration 0.2 under 85%/), expect.stringMatching(/seg1.m4s: its parts add up/)]),
    );
    expect(broken('#EXTINF:2.00000,\nseg1', '#EXTINF:2.6,\nseg1')).toEqual(expect.arrayContaining([expect.stringMatching(/seg1.m4s: EXTINF 2.6 exceeds TARGETDURATION 2/)]));
  });

  it('finds media sequence numbers that go back or rename a segment', () => {
    const next = good.replace('#EXT-X-MEDIA-SEQUENCE:0', '#EXT-X-MEDIA-SEQUENCE:1').replace(/#EXT-X-PROGRAM-DATE-TIME[^\n]*\n(#EXT-X-PART[^\n]*\n)*#EXTINF:2.00000,\nseg0.m4s\n/, '');
    expect(checkLlHls(next, good)).toEqual([]);
    expect(checkLlHls(good, next)).toEqual(['EXT-X-MEDIA-SEQUENCE went back from 1 to 0']);
    expect(checkLlHls(next.replace('seg1.m4s', 'other.m4s'), good)).toEqual(['media sequence 1 was seg1.m4s, now other.m4s']);
  });
});

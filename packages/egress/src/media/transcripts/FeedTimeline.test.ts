import { describe, expect, it } from 'vitest';
import { FeedTimeline } from './FeedTimeline.js';
import { SpeechOnsets } from './SpeechOnsets.js';

describe('FeedTimeline', () => {
  it('adds the session time at which the process started', () => {
    const timeline = new FeedTimeline(5000);
    timeline.fed(3000);
    expect(timeline.toSessionMs(2620)).toBe(7620);
  });

  it('shifts what was fed after a drop by the dropped time, not what came before', () => {
    const timeline = new FeedTimeline(0);
    timeline.fed(1000);
    timeline.dropped(20);
    timeline.dropped(20);
    timeline.fed(1000);
    timeline.dropped(100);
    timeline.fed(500);
    expect(timeline.toSessionMs(900)).toBe(900);
    expect(timeline.toSessionMs(1500)).toBe(1540);
    expect(timeline.toSessionMs(2200)).toBe(2340);
  });
});

describe('SpeechOnsets', () => {
  it('finds the first start of speech in a range and forgets older ones', () => {
    const onsets = new SpeechOnsets();
    const pattern: Array<[number, boolean]> = [[0, false], [100, true], [120, true], [400, false], [900, true], [1500, false], [2000, true]];
    for (const [at, speech] of pattern) onsets.observe(at, speech);
    expect(onsets.firstBetween(0, 1000)).toBe(100);
    expect(onsets.firstBetween(0, 1000)).toBeUndefined();
    expect(onsets.firstBetween(1000, 3000)).toBe(2000);
  });

  it('keeps a bounded number of onsets', () => {
    const onsets = new SpeechOnsets(3);
    for (let i = 0; i < 10; i++) {
      onsets.observe(i * 100, true);
      onsets.observe(i * 100 + 50, false);
    }
    expect(onsets.firstBetween(0, 10_000)).toBe(700);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QueueDrainer } from './QueueDrainer.js';
import { mediaDroppedFrames } from './rtmsMetrics.js';

describe('QueueDrainer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function setup(queued: { n: number }) {
    const reports: Array<{ event: Record<string, unknown> }> = [];
    const pump = vi.fn(() => {
      if (queued.n > 0) queued.n--;
      return queued.n > 0;
    });
    const drainer = new QueueDrainer({ pump, report: (e) => reports.push(e as { event: Record<string, unknown> }), now: () => Date.now() });
    return { reports, pump, drainer };
  }

  it('polls only while frames wait', () => {
    const queued = { n: 3 };
    const { pump, drainer } = setup(queued);
    vi.advanceTimersByTime(1000);
    expect(pump).not.toHaveBeenCalled();
    drainer.wake();
    vi.advanceTimersByTime(1000);
    expect(pump).toHaveBeenCalledTimes(3);
    drainer.stop();
  });

  it('reports drops at most once a second, counting what was dropped since the last report', async () => {
    const before = (await mediaDroppedFrames.get()).values.find((v) => v.labels.kind === 'audio')?.value ?? 0;
    const { reports, drainer } = setup({ n: 0 });
    drainer.dropped('audio', 2);
    vi.advanceTimersByTime(20);
    expect(reports).toHaveLength(1);
    expect(reports[0]!.event).toMatchObject({ event_type: 'media_dropped', audio_frames: 2, video_frames: 0 });
    drainer.dropped('audio', 1);
    drainer.dropped('video', 4);
    vi.advanceTimersByTime(500);
    expect(reports).toHaveLength(1);
    vi.advanceTimersByTime(500);
    expect(reports).toHaveLength(2);
    expect(reports[1]!.event).toMatchObject({ audio_frames: 1, video_frames: 4 });
    vi.advanceTimersByTime(5000);
    expect(reports).toHaveLength(2);
    expect(drainer.totals()).toMatchObject({ audio: 3, video: 4 });
    const after = (await mediaDroppedFrames.get()).values.find((v) => v.labels.kind === 'audio')?.value ?? 0;
    expect(after - before).toBe(3);
    drainer.stop();
  });
});

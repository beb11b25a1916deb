import { spawn } from 'node:child_process';

export interface DeliveredFps {
  /** Video pictures per second of stream time, as played back from the destination. */
  fps: number | undefined;
  /** Video packets read, and the stream time they span (s). */
  packets: number;
  span_s: number;
  /** Largest gap between two pictures (ms): a stall shows here even when the mean looks fine. */
  max_gap_ms: number | undefined;
}

/**
 * The frame rate a viewer gets: plays `url` back from the destination (nginx-rtmp) with ffprobe for
 * `seconds` of stream time and counts the video packets against the span of their timestamps. An
 * encoder that was starved of grabs writes fewer pictures with the real times (FLV is variable
 * frame rate: nothing is duplicated to fill the gaps), so a short count is a short rate. Run it
 * outside a CPU window: ffprobe is a child of this process and would be counted.
 */
export function deliveredFps(url: string, seconds = 5): Promise<DeliveredFps> {
  return new Promise((resolve) => {
    const probe = spawn('ffprobe', ['-v', 'error', '-rw_timeout', '10000000', '-read_intervals', `%+${seconds}`, '-select_streams', 'v:0',
      '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    // Bounded even if the stream never comes: no rate then, not a hang.
    const timer = setTimeout(() => probe.kill('SIGKILL'), (seconds + 15) * 1000);
    probe.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    probe.once('error', () => undefined);
    probe.once('close', () => {
      clearTimeout(timer);
      resolve(rateOf(text));
    });
  });
}

/** The rate of pictures whose timestamps (one a line, seconds) are given. */
export function rateOf(text: string): DeliveredFps {
  const pts = text.split('\n').map(Number.parseFloat).filter(Number.isFinite).sort((a, b) => a - b);
  const r = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;
  if (pts.length < 2) return { fps: undefined, packets: pts.length, span_s: 0, max_gap_ms: undefined };
  const span = pts[pts.length - 1]! - pts[0]!;
  let maxGap = 0;
  for (let i = 1; i < pts.length; i++) maxGap = Math.max(maxGap, pts[i]! - pts[i - 1]!);
  return { fps: span > 0 ? r((pts.length - 1) / span, 1) : undefined, packets: pts.length, span_s: r(span, 2), max_gap_ms: Math.round(maxGap * 1000) };
}

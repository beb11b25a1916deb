import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DecoderGate } from './DecoderGate.js';

/** mediasoup's byte counters, as the test sets them. */
const bytes = new Map<string, number>();
let changes = 0;

function gate(): DecoderGate {
  return new DecoderGate({
    bytesReceived: async (id) => bytes.get(id),
    onChange: () => void changes++,
    pollMs: 1000,
    restart: { initialDelayMs: 1000, maxDelayMs: 8000, healthyAfterMs: 30_000, jitter: 0 },
    now: Date.now,
  });
}

describe('DecoderGate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    bytes.clear();
    changes = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps watching a producer whose stats could not be read for a while (a busy worker)', async () => {
    let failing = true;
    const g = new DecoderGate({
      bytesReceived: async (id) => {
        if (failing) throw new Error('request timeout');
        return bytes.get(id);
      },
      onChange: () => void changes++,
      pollMs: 1000,
      now: Date.now,
    });
    bytes.set('mic', 500);
    expect(g.mayStart('mic')).toBe(false);
    await vi.advanceTimersByTimeAsync(3000);
    expect(changes).toBe(0);
    failing = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(changes).toBe(1);
    expect(g.mayStart('mic')).toBe(true);
    g.close();
  });

  it('lets a producer that is sending start at the first check, and one that sends nothing never', async () => {
    const g = gate();
    bytes.set('live', 1200);
    bytes.set('silent', 0);
    expect(g.mayStart('live')).toBe(false);
    expect(g.mayStart('silent')).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(changes).toBe(1);
    expect(g.mayStart('live')).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(g.mayStart('silent')).toBe(false);
    expect(changes).toBe(1);
    bytes.set('silent', 90);
    await vi.advanceTimersByTimeAsync(1000);
    expect(changes).toBe(2);
    expect(g.mayStart('silent')).toBe(true);
    g.close();
  });

  it('after a crash waits out the backoff, doubling it, and needs fresh RTP', async () => {
    const g = gate();
    bytes.set('p', 1000);
    g.mayStart('p');
    await vi.advanceTimersByTimeAsync(1);
    g.started('p');
    g.exited('p');
    expect(g.mayStart('p')).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    // The backoff ran out but no byte arrived since the crash.
    expect(g.mayStart('p')).toBe(false);
    bytes.set('p', 2000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(g.mayStart('p')).toBe(true);

    g.started('p');
    g.exited('p');
    await vi.advanceTimersByTimeAsync(1);
    bytes.set('p', 3000);
    await vi.advanceTimersByTimeAsync(1998);
    expect(g.mayStart('p')).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(g.mayStart('p')).toBe(true);
    expect(g.restarts).toBe(2);
    g.close();
  });

  it('resets the backoff after a decoder ran healthily', async () => {
    const g = gate();
    bytes.set('p', 1000);
    g.mayStart('p');
    await vi.advanceTimersByTimeAsync(1);
    for (let i = 0; i < 3; i++) {
      g.started('p');
      g.exited('p');
      await vi.advanceTimersByTimeAsync(1);
      bytes.set('p', bytes.get('p')! + 1000);
      await vi.advanceTimersByTimeAsync(10_000);
    }
    g.started('p');
    await vi.advanceTimersByTimeAsync(30_000);
    g.exited('p');
    await vi.advanceTimersByTimeAsync(1);
    bytes.set('p', bytes.get('p')! + 1000);
    await vi.advanceTimersByTimeAsync(998);
    expect(g.mayStart('p')).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(g.mayStart('p')).toBe(true);
    g.close();
  });

  it('forgets producers that left, and stops polling for them', async () => {
    const asked: string[] = [];
    const spy = new DecoderGate({ bytesReceived: async (id) => (asked.push(id), 0), onChange: () => undefined, pollMs: 1000 });
    spy.mayStart('gone');
    await vi.advanceTimersByTimeAsync(1);
    spy.retain(new Set());
    await vi.advanceTimersByTimeAsync(5000);
    expect(asked).toEqual(['gone']);
    spy.close();
  });
});

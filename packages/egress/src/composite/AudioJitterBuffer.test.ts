import { describe, expect, it } from 'vitest';
import { AudioJitterBuffer } from './AudioJitterBuffer.js';

// At 1 kHz one sample is one millisecond, so the arithmetic below reads in ms.
const RATE = 1000;
const CHUNK = 20;

/** A 20 ms chunk whose every sample is `n`, so what plays tells which chunk it came from. */
const chunk = (n: number, samples = CHUNK) => {
  const b = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) b.writeInt16LE(n, i * 2);
  return b;
};
/** The chunk numbers in a take (0 for silence), one per run of equal samples. */
const played = (b: Buffer) => {
  const out: number[] = [];
  for (let i = 0; i < b.length; i += 2) if (out.at(-1) !== b.readInt16LE(i) || i === 0) out.push(b.readInt16LE(i));
  return out;
};
const take = (buffer: AudioJitterBuffer) => played(buffer.take(CHUNK * 2));

describe('AudioJitterBuffer', () => {
  it('waits for its delay, then plays each chunk that long after it came', () => {
    const buffer = new AudioJitterBuffer({ sampleRate: RATE, delayMs: 40 });
    const out: number[][] = [];
    for (let n = 1; n <= 6; n++) {
      buffer.push(chunk(n));
      out.push(take(buffer));
    }
    // Two chunks (40 ms) stay queued after each take: chunk n plays at the take after chunk n+2 came.
    expect(out).toEqual([[0], [0], [1], [2], [3], [4]]);
    expect(buffer.held).toBe(40 * 2);
  });

  it('plays a late chunk as silence and drops it when it comes: the delay stays, however late', () => {
    const buffer = new AudioJitterBuffer({ sampleRate: RATE, delayMs: 40 });
    const out: number[][] = [];
    let n = 0;
    for (; n < 5; n++) {
      buffer.push(chunk(n + 1));
      out.push(take(buffer));
    }
    // The input stalls for 100 ms (five takes) while the mixer goes on, then everything comes at once.
    for (let i = 0; i < 5; i++) out.push(take(buffer));
    for (let i = 0; i < 5; i++) buffer.push(chunk(++n));
    for (let i = 0; i < 5; i++) {
      buffer.push(chunk(++n));
      out.push(take(buffer));
    }
    expect(out.slice(0, 5)).toEqual([[0], [0], [1], [2], [3]]);
    // The queued 40 ms carry the first two takes of the stall; then silence, not a backlog.
    expect(out.slice(5, 10)).toEqual([[4], [5], [0], [0], [0]]);
    // Chunks 6-8 were due during the silence and are dropped; from chunk 9 on, each plays the
    // same two takes after it came as before the stall (an ever-later backlog would play 6, 7, 8…).
    expect(out.slice(10)).toEqual([[9], [10], [11], [12], [13]]);
    expect(buffer.held).toBe(40 * 2);
  });

  it('plays a first burst from its newest audio, at the delay', () => {
    const buffer = new AudioJitterBuffer({ sampleRate: RATE, delayMs: 40 });
    for (let n = 1; n <= 10; n++) buffer.push(chunk(n));
    expect(take(buffer)).toEqual([8]);
    buffer.push(chunk(11));
    expect(take(buffer)).toEqual([9]);
    expect(buffer.held).toBe(40 * 2);
  });

  it('starts over after a long silence (a muted microphone), so no new audio is dropped as owed', () => {
    const buffer = new AudioJitterBuffer({ sampleRate: RATE, delayMs: 40 });
    for (let n = 1; n <= 3; n++) {
      buffer.push(chunk(n));
      take(buffer);
    }
    for (let i = 0; i < 30; i++) expect(take(buffer)).toEqual(i < 2 ? [i + 2] : [0]);
    const out: number[][] = [];
    for (let n = 100; n < 104; n++) {
      buffer.push(chunk(n));
      out.push(take(buffer));
    }
    expect(out).toEqual([[0], [0], [100], [101]]);
  });

  it('keeps whole samples when a read splits one, also while audio is owed', () => {
    const buffer = new AudioJitterBuffer({ sampleRate: RATE, delayMs: 0 });
    const samples = (...values: number[]) => {
      const b = Buffer.alloc(values.length * 2);
      values.forEach((v, i) => b.writeInt16LE(v, i * 2));
      return b;
    };
    buffer.push(samples(1, 2));
    expect(buffer.take(4)).toEqual(samples(1, 2));
    expect(buffer.take(4)).toEqual(samples(0, 0)); // owed: 3 and 4
    const late = samples(3, 4, 5, -6, 7);
    buffer.push(late.subarray(0, 5));
    buffer.push(late.subarray(5));
    expect(buffer.take(6)).toEqual(samples(5, -6, 7));
  });

  it.each([
    { pace: 'fast', samplesPerChunk: 961 },
    { pace: 'slow', samplesPerChunk: 959 },
  ])('keeps its delay when the sender is $pace by 0.1 percent', ({ samplesPerChunk }) => {
    const buffer = new AudioJitterBuffer({ sampleRate: 48_000, delayMs: 60 });
    const delay = 60 * 48 * 2;
    const takeBytes = 960 * 2;
    const allowed = takeBytes + 10 * 48 * 2 + 100 * 2; // a take, the tolerance and a window's drift
    const takes = 10_000; // 200 s, in which a 0.1 % drift alone would move the delay by 200 ms
    let silentSamples = 0;
    const held: number[] = [];
    for (let i = 0; i < takes; i++) {
      buffer.push(chunk(1, samplesPerChunk));
      const pcm = buffer.take(takeBytes);
      if (i >= 3) for (let j = 0; j < pcm.length; j += 2) if (pcm.readInt16LE(j) === 0) silentSamples++;
      held.push(buffer.held);
    }
    const settled = held.slice(100);
    expect(Math.max(...settled)).toBeLessThanOrEqual(delay + allowed);
    expect(Math.min(...settled)).toBeGreaterThanOrEqual(delay - allowed);
    // A slow sender's missing audio is made up with silence, no more; a fast one's surplus is dropped.
    const missing = Math.max(0, (960 - samplesPerChunk) * takes);
    expect(Math.abs(silentSamples - missing)).toBeLessThanOrEqual(allowed / 2);
  });
});

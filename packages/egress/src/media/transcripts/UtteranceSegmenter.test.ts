import { describe, expect, it } from 'vitest';
import { chunks20ms, silence, tone } from '../../testing/pcm16k.js';
import { type Utterance, UtteranceSegmenter } from './UtteranceSegmenter.js';

function feed(segmenter: UtteranceSegmenter, pcm: Buffer, chunkBytes = 640): Utterance[] {
  const out: Utterance[] = [];
  for (let offset = 0; offset < pcm.length; offset += chunkBytes) out.push(...segmenter.push(pcm.subarray(offset, offset + chunkBytes)));
  return out;
}

const ms = (pcm: Buffer): number => pcm.length / 32;

describe('UtteranceSegmenter', () => {
  it('ends an utterance after 600 ms of silence, with its speech times and a little padding', () => {
    const segmenter = new UtteranceSegmenter();
    const got = feed(segmenter, Buffer.concat([silence(1000), tone(800), silence(599)]));
    expect(got).toEqual([]);
    const [utterance, ...rest] = feed(segmenter, silence(21));
    expect(rest).toEqual([]);
    expect(utterance).toMatchObject({ start: 1000, end: 1800 });
    // 200 ms lead-in + 800 ms speech + 200 ms tail.
    expect(ms(utterance!.pcm)).toBe(1200);
  });

  it('keeps a pause shorter than 600 ms inside one utterance', () => {
    const segmenter = new UtteranceSegmenter();
    const got = feed(segmenter, Buffer.concat([tone(400), silence(500), tone(400), silence(700)]));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ start: 0, end: 1300 });
  });

  it('splits at pauses of 600 ms, in order', () => {
    const segmenter = new UtteranceSegmenter();
    const got = feed(segmenter, Buffer.concat([tone(300), silence(700), tone(500), silence(700)]));
    expect(got.map(({ start, end }) => [start, end])).toEqual([[0, 300], [1000, 1500]]);
  });

  it('cuts a monologue at 15 s and goes on in a new utterance', () => {
    const segmenter = new UtteranceSegmenter();
    const got = feed(segmenter, Buffer.concat([silence(100), tone(20_000), silence(700)]));
    expect(got).toHaveLength(2);
    expect(ms(got[0]!.pcm)).toBeLessThanOrEqual(15_000);
    expect(got[0]!.start).toBe(100);
    expect(got[1]!.start).toBe(got[0]!.end);
    expect(got[1]!.end).toBe(20_100);
  });

  it('drops a click shorter than the minimum speech', () => {
    const segmenter = new UtteranceSegmenter();
    expect(feed(segmenter, Buffer.concat([silence(200), tone(40), silence(1000)]))).toEqual([]);
  });

  it('does not take quiet noise for speech', () => {
    const segmenter = new UtteranceSegmenter();
    expect(feed(segmenter, Buffer.concat([tone(2000, 100, -60), silence(1000)]))).toEqual([]);
  });

  it('counts time the same whatever the chunk sizes (odd ones included)', () => {
    const audio = Buffer.concat([silence(500), tone(600), silence(800)]);
    const a = feed(new UtteranceSegmenter(), audio, 640);
    const b = feed(new UtteranceSegmenter(), audio, 333);
    expect(a).toHaveLength(1);
    expect(b).toEqual(a);
  });

  it('flush() gives the utterance in progress, and nothing when idle', () => {
    const segmenter = new UtteranceSegmenter();
    for (const chunk of chunks20ms(Buffer.concat([silence(100), tone(500)]))) segmenter.push(chunk);
    expect(segmenter.flush()).toMatchObject({ start: 100, end: 600 });
    expect(segmenter.flush()).toBeUndefined();
  });

  it('copies what it keeps: a caller reusing its buffer does not change an utterance', () => {
    const segmenter = new UtteranceSegmenter();
    const reused = Buffer.alloc(640);
    const speech = tone(400);
    for (let offset = 0; offset < speech.length; offset += 640) {
      speech.copy(reused, 0, offset, offset + 640);
      segmenter.push(reused);
    }
    reused.fill(0);
    const utterance = segmenter.flush()!;
    expect(utterance.pcm.subarray(0, speech.length)).toEqual(speech);
  });
});

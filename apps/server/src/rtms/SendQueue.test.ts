import { describe, expect, it } from 'vitest';
import { SendQueue, type FrameKind, type OutgoingFrame, type SendQueueLimits } from './SendQueue.js';

/** A socket whose buffer the test controls: `buffered` is what ws would report as bufferedAmount. */
class FakeSink {
  buffered = 0;
  readonly sent: Array<string | Uint8Array> = [];
  get bufferedAmount(): number {
    return this.buffered;
  }
  send(data: string | Uint8Array): void {
    this.sent.push(data);
  }
}

const limits: SendQueueLimits = { highWaterBytes: 100, maxQueuedBytes: 50, maxQueuedFrames: 4 };
const audio = (n: number): OutgoingFrame => ({ kind: 'audio', data: `a${n}` });
const video = (n: number, keyFrame = false): OutgoingFrame => ({ kind: 'video', data: `${keyFrame ? 'K' : 'v'}${n}`, keyFrame });

function setup(l: SendQueueLimits = limits) {
  const sink = new FakeSink();
  const drops: Record<string, number> = {};
  const queue = new SendQueue(sink, l, (kind: FrameKind, count) => (drops[kind] = (drops[kind] ?? 0) + count));
  return { sink, drops, queue };
}

describe('SendQueue', () => {
  it('writes straight to the socket while its buffer is under the high-water mark', () => {
    const { sink, queue } = setup();
    expect(queue.push(audio(1))).toBe(true);
    expect(sink.sent).toEqual(['a1']);
    expect(queue.queuedFrames).toBe(0);
  });

  it('holds frames above the high-water mark and sends them in order once it drains', () => {
    const { sink, queue } = setup();
    sink.buffered = 100;
    queue.push(audio(1));
    queue.push(audio(2));
    expect(sink.sent).toEqual([]);
    expect(queue.flush()).toBe(0);
    sink.buffered = 0;
    // Under the mark again, a new frame must not overtake the queued ones.
    queue.push(audio(3));
    expect(sink.sent).toEqual([]);
    expect(queue.flush()).toBe(3);
    expect(sink.sent).toEqual(['a1', 'a2', 'a3']);
  });

  it('stays within its frame bound by dropping the oldest audio, counting each drop', () => {
    const { sink, drops, queue } = setup();
    sink.buffered = 1000;
    for (let i = 1; i <= 10; i++) queue.push(audio(i));
    expect(queue.queuedFrames).toBe(4);
    expect(drops).toEqual({ audio: 6 });
    sink.buffered = 0;
    queue.flush();
    expect(sink.sent).toEqual(['a7', 'a8', 'a9', 'a10']);
  });

  it('stays within its byte bound', () => {
    const { sink, drops, queue } = setup({ highWaterBytes: 10, maxQueuedBytes: 25, maxQueuedFrames: 100 });
    sink.buffered = 1000;
    for (let i = 0; i < 10; i++) queue.push({ kind: 'audio', data: new Uint8Array(10) });
    expect(queue.queuedBytes).toBeLessThanOrEqual(25);
    expect(queue.queuedFrames).toBe(2);
    expect(drops.audio).toBe(8);
  });

  it('drops a video frame together with the frames that depend on it, up to the next keyframe', () => {
    const { sink, drops, queue } = setup({ highWaterBytes: 10, maxQueuedBytes: 1000, maxQueuedFrames: 5 });
    sink.buffered = 1000;
    for (const frame of [video(1, true), video(2), audio(1), video(3), video(4, true), video(5)]) queue.push(frame);
    // Six frames > five: the oldest media is the keyframe K1; v2 and v3 cannot decode without it.
    expect(drops).toEqual({ video: 3 });
    sink.buffered = 0;
    queue.flush();
    expect(sink.sent).toEqual(['a1', 'K4', 'v5']);
  });

  it('after dropping video with no keyframe queued, drops later video until a keyframe comes', () => {
    const { sink, drops, queue } = setup({ highWaterBytes: 10, maxQueuedBytes: 1000, maxQueuedFrames: 2 });
    sink.buffered = 1000;
    queue.push(video(1, true));
    queue.push(video(2));
    queue.push(audio(1)); // over the bound: K1 and v2 go
    expect(drops).toEqual({ video: 2 });
    sink.buffered = 0;
    queue.flush();
    expect(queue.push(video(3))).toBe(false); // refers to a dropped picture
    expect(drops).toEqual({ video: 3 });
    expect(queue.push(video(4, true))).toBe(true);
    expect(queue.push(video(5))).toBe(true);
    expect(sink.sent).toEqual(['a1', 'K4', 'v5']);
  });

  it('keeps transcripts and control messages while there is media to drop instead', () => {
    const { sink, drops, queue } = setup({ highWaterBytes: 10, maxQueuedBytes: 1000, maxQueuedFrames: 3 });
    sink.buffered = 1000;
    queue.push({ kind: 'control', data: 'state' });
    queue.push({ kind: 'transcript', data: 'hello' });
    queue.push(audio(1));
    queue.push(audio(2));
    expect(drops).toEqual({ audio: 1 });
    // Only non-media left over the bound: the oldest transcript goes before a control message.
    queue.push({ kind: 'transcript', data: 'world' });
    queue.push({ kind: 'control', data: 'state2' });
    expect(drops).toEqual({ audio: 2, transcript: 1 });
    sink.buffered = 0;
    queue.flush();
    expect(sink.sent).toEqual(['state', 'world', 'state2']);
  });
});

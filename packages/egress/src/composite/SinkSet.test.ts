import { describe, expect, it } from 'vitest';
import type { CompositeSink } from './Compositor.js';
import { FramePool } from './FramePool.js';
import { SinkSet } from './SinkSet.js';

/** An encode's input that holds each picture until the test says it was written. */
class HeldSink implements CompositeSink {
  readonly frames: Buffer[] = [];
  readonly audio: Buffer[] = [];
  readonly #pending: Array<() => void> = [];
  writeVideo(frame: Buffer, written: () => void): void {
    this.frames.push(frame);
    this.#pending.push(written);
  }
  writeAudio(pcm: Buffer): void {
    this.audio.push(pcm);
  }
  flush(): void {
    for (const written of this.#pending.splice(0)) written();
  }
}

/** What the compositor does with a picture: one reference per write, released by `written`. */
function write(sinks: SinkSet, pool: FramePool, frame: Buffer): void {
  pool.retain(frame);
  sinks.writeVideo(frame, () => pool.release(frame));
}

describe('SinkSet (the compositor writing to every encode)', () => {
  it('hands every encode the same Buffer and frees it only once the last one has written it', () => {
    const pool = new FramePool(6);
    const sinks = new SinkSet();
    const [top, low] = [new HeldSink(), new HeldSink()];
    sinks.add(top);
    sinks.add(low);
    const frame = pool.acquire();
    write(sinks, pool, frame);
    pool.release(frame); // the compositor's own reference (it drew the next picture)
    expect(top.frames[0]).toBe(frame);
    expect(low.frames[0]).toBe(frame);
    top.flush();
    expect(pool.inUse).toBe(1);
    // Not back in the pool: a new picture must not overwrite the one `low` still has queued.
    expect(pool.acquire()).not.toBe(frame);
    low.flush();
    expect(pool.inUse).toBe(1);
    pool.release(frame);
  });

  it('frees at once with no encode, and a removed encode gets nothing more but still counts for what it holds', () => {
    const pool = new FramePool(6);
    const sinks = new SinkSet();
    const frame = pool.acquire();
    write(sinks, pool, frame);
    pool.release(frame);
    expect(pool.inUse).toBe(0);

    const [top, low] = [new HeldSink(), new HeldSink()];
    sinks.add(top);
    sinks.add(low);
    const second = pool.acquire();
    write(sinks, pool, second);
    pool.release(second);
    sinks.delete(low);
    write(sinks, pool, second);
    expect([top.frames.length, low.frames.length]).toEqual([2, 1]);
    top.flush();
    expect(pool.inUse).toBe(1);
    low.flush();
    expect(pool.inUse).toBe(0);
  });

  it('sends every audio chunk to every encode', () => {
    const sinks = new SinkSet();
    const [top, low] = [new HeldSink(), new HeldSink()];
    sinks.add(top);
    sinks.add(low);
    const pcm = Buffer.alloc(1920);
    sinks.writeAudio(pcm);
    expect(top.audio).toEqual([pcm]);
    expect(low.audio[0]).toBe(pcm);
  });
});

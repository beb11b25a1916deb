import { describe, expect, it } from 'vitest';
import { FramePool } from './FramePool.js';

describe('FramePool', () => {
  it('hands a buffer out again only after every holder released it', () => {
    const pool = new FramePool(4);
    const a = pool.acquire();
    pool.retain(a);
    pool.release(a);
    const b = pool.acquire();
    expect(b).not.toBe(a);
    pool.release(a);
    expect(pool.acquire()).toBe(a);
    pool.release(b);
    expect(pool.inUse).toBe(1);
  });

  it('keeps at most `keep` spare buffers', () => {
    const pool = new FramePool(4, 1);
    const buffers = [pool.acquire(), pool.acquire()];
    for (const b of buffers) pool.release(b);
    const again = [pool.acquire(), pool.acquire()];
    expect(again.filter((b) => buffers.includes(b))).toHaveLength(1);
  });
});

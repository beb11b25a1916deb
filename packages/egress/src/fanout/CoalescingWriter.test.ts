import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CoalescingWriter } from './CoalescingWriter.js';

describe('CoalescingWriter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  function recorded(): { out: PassThrough; writes: Buffer[] } {
    const out = new PassThrough();
    const writes: Buffer[] = [];
    const write = out.write.bind(out);
    out.write = ((chunk: Buffer) => (writes.push(Buffer.from(chunk)), write(chunk))) as typeof out.write;
    return { out, writes };
  }

  it('writes what comes within one window as one write, in order, a window after the first bytes', () => {
    const { out, writes } = recorded();
    const writer = new CoalescingWriter(out, 25);
    writer.write(Buffer.from('ab'));
    vi.advanceTimersByTime(10);
    writer.write(Buffer.from('cd'));
    expect(writes).toEqual([]);
    expect(writer.pendingBytes).toBe(4);
    vi.advanceTimersByTime(15);
    expect(writes.map(String)).toEqual(['abcd']);
    writer.write(Buffer.from('e'));
    vi.advanceTimersByTime(25);
    expect(writes.map(String)).toEqual(['abcd', 'e']);
  });

  it('flushes on demand, and drops what is queued when discarded', () => {
    const { out, writes } = recorded();
    const writer = new CoalescingWriter(out, 25);
    writer.write(Buffer.from('last'));
    writer.flush();
    expect(writes.map(String)).toEqual(['last']);
    writer.write(Buffer.from('lost'));
    writer.discard();
    vi.advanceTimersByTime(100);
    expect(writes.map(String)).toEqual(['last']);
    expect(writer.pendingBytes).toBe(out.writableLength);
  });

  it('counts what the stream holds unread as pending (a stalled reader)', () => {
    const stalled = new Writable({ write: () => undefined }); // never done: the reader stopped
    const writer = new CoalescingWriter(stalled, 25);
    writer.write(Buffer.alloc(100));
    writer.flush();
    writer.write(Buffer.alloc(10));
    expect(writer.pendingBytes).toBe(110);
  });
});

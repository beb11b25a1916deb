import { describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from './TypedEmitter.js';

interface TestEvents {
  changed: (value: number, label: string) => void;
  closed: () => void;
}

/** Exposes the protected `emit` the way Room and SignalClient use it. */
class TestEmitter extends TypedEmitter<TestEvents> {
  fire<E extends keyof TestEvents>(event: E, ...args: Parameters<TestEvents[E]>): void {
    this.emit(event, ...args);
  }
}

describe('TypedEmitter', () => {
  it('calls listeners in order with the arguments', () => {
    const emitter = new TestEmitter();
    const calls: string[] = [];
    emitter.on('changed', (value, label) => calls.push(`a:${value}:${label}`));
    emitter.on('changed', (value) => calls.push(`b:${value}`));
    emitter.fire('changed', 3, 'x');
    expect(calls).toEqual(['a:3:x', 'b:3']);
  });

  it('once() fires a single time and off() removes', () => {
    const emitter = new TestEmitter();
    const once = vi.fn();
    const always = vi.fn();
    emitter.once('closed', once).on('closed', always);
    emitter.fire('closed');
    emitter.fire('closed');
    emitter.off('closed', always);
    emitter.fire('closed');
    expect(once).toHaveBeenCalledTimes(1);
    expect(always).toHaveBeenCalledTimes(2);
    expect(emitter.listenerCount('closed')).toBe(0);
  });

  it('a throwing listener is logged and the others still run', () => {
    const emitter = new TestEmitter();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const after = vi.fn();
    emitter.on('closed', () => {
      throw new Error('broken UI handler');
    });
    emitter.on('closed', after);
    expect(() => emitter.fire('closed')).not.toThrow();
    expect(after).toHaveBeenCalledOnce();
    expect(error).toHaveBeenCalledOnce();
    error.mockRestore();
  });

  it('a listener removed during emit by an earlier one still gets this emit, not the next', () => {
    const emitter = new TestEmitter();
    const second = vi.fn();
    emitter.on('closed', () => emitter.off('closed', second));
    emitter.on('closed', second);
    emitter.fire('closed');
    emitter.fire('closed');
    expect(second).toHaveBeenCalledTimes(1);
  });

  it('removeAllListeners() clears one event or all', () => {
    const emitter = new TestEmitter();
    emitter.on('closed', vi.fn()).on('changed', vi.fn());
    emitter.removeAllListeners('closed');
    expect(emitter.listenerCount('closed')).toBe(0);
    expect(emitter.listenerCount('changed')).toBe(1);
    emitter.removeAllListeners();
    expect(emitter.listenerCount('changed')).toBe(0);
  });
});

import { describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from './TypedEmitter.js';

describe('TypedEmitter.safeEmit', () => {
  it('keeps calling listeners after one throws', () => {
    const emitter = new TypedEmitter<{ ping: [n: number] }>();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const second = vi.fn();
    emitter.on('ping', () => {
      throw new Error('bad listener');
    });
    emitter.on('ping', second);
    expect(() => emitter.safeEmit('ping', 7)).not.toThrow();
    expect(second).toHaveBeenCalledWith(7);
    errors.mockRestore();
  });
});

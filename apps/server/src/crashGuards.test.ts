import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { installCrashGuards, unhandledRejections } from './crashGuards.js';

describe('installCrashGuards', () => {
  it('logs and counts an unhandled rejection instead of letting Node exit', async () => {
    const target = new EventEmitter();
    const logged: Array<{ object: object; message: string }> = [];
    installCrashGuards({ error: (object, message) => void logged.push({ object, message }) }, target as unknown as NodeJS.Process);
    const before = (await unhandledRejections.get()).values[0]?.value ?? 0;
    const reason = new Error('Producer not found');
    target.emit('unhandledRejection', reason, Promise.resolve());
    expect(logged).toEqual([{ object: { err: reason }, message: 'unhandled promise rejection (the server goes on)' }]);
    expect((await unhandledRejections.get()).values[0]?.value).toBe(before + 1);
  });

});

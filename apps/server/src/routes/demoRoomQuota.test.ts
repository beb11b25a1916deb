import { describe, expect, it } from 'vitest';
import { AppError } from '@roomcast/protocol';
import { DemoRoomQuota } from './demoRoomQuota.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof AppError ? error.code : 'not an AppError';
  }
};

describe('DemoRoomQuota', () => {
  it('charges each client IP per created room and refills over the hour', () => {
    let now = 0;
    const quota = new DemoRoomQuota({ perHour: 2, maxOpen: 100 }, () => now);
    quota.reserve('1.1.1.1', 'a');
    quota.reserve('1.1.1.1', 'b');
    expect(codeOf(() => quota.reserve('1.1.1.1', 'c'))).toBe('rate_limited');
    expect(codeOf(() => quota.reserve('2.2.2.2', 'c'))).toBeUndefined();
    now += 30 * 60_000; // half an hour: one room's worth back
    expect(codeOf(() => quota.reserve('1.1.1.1', 'd'))).toBeUndefined();
    expect(codeOf(() => quota.reserve('1.1.1.1', 'e'))).toBe('rate_limited');
  });

  it('caps open demo rooms; a closed room or a failed creation frees its slot and token', () => {
    const quota = new DemoRoomQuota({ perHour: 10, maxOpen: 2 }, () => 0);
    quota.reserve('ip', 'a');
    const refund = quota.reserve('ip', 'b');
    expect(codeOf(() => quota.reserve('ip', 'c'))).toBe('limit_exceeded');
    quota.roomClosed('a');
    expect(quota.openRooms).toBe(1);
    quota.reserve('ip', 'c');
    refund();
    refund(); // twice is once
    expect(quota.openRooms).toBe(1);
  });

  it('remembers a bounded number of clients', () => {
    let now = 0;
    const quota = new DemoRoomQuota({ perHour: 1, maxOpen: 1_000, maxClients: 3 }, () => now++);
    for (let i = 0; i < 10; i++) quota.reserve(`10.0.0.${i}`, `r${i}`);
    // The least recently seen clients were forgotten (their budget is whole again); the newest is not.
    expect(codeOf(() => quota.reserve('10.0.0.0', 'again'))).toBeUndefined();
    expect(codeOf(() => quota.reserve('10.0.0.9', 'again2'))).toBe('rate_limited');
  });
});

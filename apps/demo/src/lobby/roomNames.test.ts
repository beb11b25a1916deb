import { RoomNameSchema } from '@roomcast/protocol';
import { describe, expect, it } from 'vitest';
import { randomRoomName } from './roomNames.js';

describe('random room names', () => {
  it('are valid room names', () => {
    for (let i = 0; i < 50; i++) expect(RoomNameSchema.safeParse(randomRoomName()).success).toBe(true);
  });

  it('read as adjective-noun-digits', () => {
    expect(randomRoomName(() => 0)).toBe('amber-badger-0000');
    expect(randomRoomName(() => 0.999)).toMatch(/^swift-willow-9990$/);
  });
});

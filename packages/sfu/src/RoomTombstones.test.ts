import { describe, expect, it } from 'vitest';
import { RoomTombstones } from './RoomTombstones.js';

describe('RoomTombstones', () => {
  it('remembers a deleted name until it expires or an admin creates it again', () => {
    let now = 1_000;
    const tombstones = new RoomTombstones({ ttlMs: 100, maxSize: 10 }, () => now);
    tombstones.add('a');
    tombstones.add('b');
    expect(tombstones.has('a')).toBe(true);
    tombstones.clear('b');
    expect(tombstones.has('b')).toBe(false);
    now += 100;
    expect(tombstones.has('a')).toBe(false);
    expect(tombstones.size).toBe(0);
  });

  it('keeps at most maxSize names, dropping the oldest first', () => {
    let now = 0;
    const tombstones = new RoomTombstones({ ttlMs: 1_000_000, maxSize: 3 }, () => now++);
    for (const name of ['a', 'b', 'c', 'a', 'd']) tombstones.add(name);
    expect(tombstones.size).toBe(3);
    // 'a' was deleted again after 'b' and 'c': 'b' is the oldest and went first.
    expect(['a', 'b', 'c', 'd'].filter((n) => tombstones.has(n))).toEqual(['a', 'c', 'd']);
  });
});

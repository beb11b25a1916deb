import { describe, expect, it } from 'vitest';
import { type Camera, pickCamera } from './videoTarget.js';

const a: Camera = { participantId: 'pa', identity: 'alice', producerId: 'va' };
const b: Camera = { participantId: 'pb', identity: 'bob', producerId: 'vb' };
const c: Camera = { participantId: 'pc', identity: 'carol', producerId: 'vc' };

describe('pickCamera', () => {
  it('shows the active speaker when they have a camera', () => {
    expect(pickCamera([a, b, c], 'active_speaker', 'pb', 'pa')).toBe(b);
  });

  it('keeps the shown camera while nobody speaks or the speaker has none, else takes the first', () => {
    expect(pickCamera([a, b, c], 'active_speaker', null, 'pc')).toBe(c);
    expect(pickCamera([a, b, c], 'active_speaker', 'pz', 'pc')).toBe(c);
    expect(pickCamera([a, b, c], 'active_speaker', null, undefined)).toBe(a);
    expect(pickCamera([b, c], 'active_speaker', null, 'pa')).toBe(b);
    expect(pickCamera([], 'active_speaker', 'pa', 'pa')).toBeUndefined();
  });

  it('shows only the chosen participant, by identity, whoever speaks', () => {
    expect(pickCamera([a, b, c], { participant: 'carol' }, 'pa', 'pa')).toBe(c);
    expect(pickCamera([a, b], { participant: 'carol' }, 'pa', 'pa')).toBeUndefined();
  });
});

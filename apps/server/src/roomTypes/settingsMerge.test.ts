import { describe, expect, it } from 'vitest';
import type { RoomSettings } from '@roomcast/protocol';
import { DEFAULT_PARTICIPANT_LIMITS, ROLE_CAPABILITIES } from '@roomcast/sfu';
import { builtInSettings, effectiveSettings, mergeSettings, participantLimitsOf } from './settingsMerge.js';

describe('room settings precedence (built-in < type < room)', () => {
  const builtIn = builtInSettings({ transportsPerDirection: 2, producers: 4, consumers: 100 }, ROLE_CAPABILITIES);
  const type: RoomSettings = {
    broadcasting: { rtmp: { quality: '1080p', layout: 'spotlight' }, hls: { renditions: ['720p', '360p'] } },
    limits: { max_participants: 10, max_producers: 2 },
    roles: { participant: ['publish', 'subscribe', 'start-broadcast'] },
  };

  it('merges deeply: the room overrides one field and keeps its siblings from the type and the built-in layer', () => {
    const room: RoomSettings = { broadcasting: { rtmp: { quality: '720p' } }, limits: { max_participants: 3 } };
    const settings = effectiveSettings(builtIn, type, room);
    expect(settings.broadcasting).toEqual({ enabled: true, rtmp: { quality: '720p', layout: 'spotlight' }, hls: { renditions: ['720p', '360p'] } });
    expect(settings.limits).toEqual({ max_participants: 3, max_transports: 2, max_producers: 2, max_consumers: 100 });
    expect(settings.roles).toEqual({
      moderator: [...ROLE_CAPABILITIES.moderator],
      participant: ['publish', 'subscribe', 'start-broadcast'],
      viewer: ['subscribe'],
    });
  });

  it('replaces lists whole, ignores undefined, and changes none of its inputs', () => {
    const room: RoomSettings = { broadcasting: { enabled: false, hls: { renditions: ['360p'] }, rtmp: { quality: undefined } } };
    const before = structuredClone(type);
    const settings = effectiveSettings(builtIn, type, room);
    expect(settings.broadcasting).toEqual({ enabled: false, rtmp: { quality: '1080p', layout: 'spotlight' }, hls: { renditions: ['360p'] } });
    expect(type).toEqual(before);
    expect(mergeSettings(type, undefined)).toEqual(type);
    expect(mergeSettings(type, undefined)).not.toBe(type);
  });

  it('a PATCH merges onto the room\'s earlier settings, not onto the type alone', () => {
    const first = mergeSettings({}, { broadcasting: { rtmp: { quality: '480p' } } });
    const second = mergeSettings(first, { broadcasting: { enabled: false } });
    expect(effectiveSettings(builtIn, type, second).broadcasting).toMatchObject({ enabled: false, rtmp: { quality: '480p', layout: 'spotlight' } });
  });

  it('turns the limits into the sfu\'s per-participant limits', () => {
    expect(participantLimitsOf(effectiveSettings(builtIn, type, {}), DEFAULT_PARTICIPANT_LIMITS)).toEqual({
      transportsPerDirection: 2,
      producers: 2,
      consumers: 100,
    });
    expect(participantLimitsOf({}, DEFAULT_PARTICIPANT_LIMITS)).toEqual(DEFAULT_PARTICIPANT_LIMITS);
  });
});

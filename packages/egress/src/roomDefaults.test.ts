import { describe, expect, it } from 'vitest';
import { AppError, type RoomSettings } from '@roomcast/protocol';
import { liveStreamQuality } from './live/liveStreamRequest.js';
import { assertBroadcastingEnabled, liveStreamWithDefaults, rtmpComposite } from './roomDefaults.js';

describe('room settings under a start request', () => {
  const settings: RoomSettings = {
    broadcasting: { rtmp: { quality: '1080p', layout: 'spotlight' }, hls: { quality: '720p', renditions: ['720p', '360p'], recording: { hls_vod: true } } },
  };

  it('RTMP: the request wins, then the room, then the default; the room layout only for a new composite', () => {
    expect(rtmpComposite({}, {}, false, '720p')).toEqual({ layout: undefined, quality: '720p' });
    expect(rtmpComposite({}, settings, false, '720p')).toEqual({ layout: 'spotlight', quality: '1080p' });
    expect(rtmpComposite({ quality: '360p', layout: 'grid' }, settings, false, '720p')).toEqual({ layout: 'grid', quality: '360p' });
    expect(rtmpComposite({}, settings, true, '720p').layout).toBeUndefined();
  });

  it('live streams: renditions and recording from the room unless the request has its own', () => {
    const merged = liveStreamWithDefaults({ name: 'show' }, settings);
    expect(merged).toEqual({ body: { name: 'show', renditions: ['720p', '360p'], recording: { hls_vod: true } }, fallbackQuality: '720p' });
    const own = liveStreamWithDefaults({ renditions: ['1080p'], recording: { hls_vod: false } }, settings);
    expect(own).toEqual({ body: { renditions: ['1080p'], recording: { hls_vod: false } }, fallbackQuality: undefined });
    expect(liveStreamWithDefaults({ quality: '480p' }, {})).toEqual({ body: { quality: '480p' } });
  });

  it('live-stream quality: request, then the running composite, then the room, then the top rendition', () => {
    expect(liveStreamQuality({ quality: '480p' }, undefined, '720p')).toBe('480p');
    expect(liveStreamQuality({}, '1080p', '720p')).toBe('1080p');
    expect(liveStreamQuality({ renditions: ['360p'] }, undefined, '480p')).toBe('480p');
    expect(liveStreamQuality({ renditions: ['1080p', '360p'] }, undefined, undefined)).toBe('1080p');
  });

  it('broadcasting.enabled: false refuses with broadcasting_disabled (403)', () => {
    expect(() => assertBroadcastingEnabled({ name: 'r', settings: {} })).not.toThrow();
    let error: unknown;
    try {
      assertBroadcastingEnabled({ name: 'r', settings: { broadcasting: { enabled: false } } });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('broadcasting_disabled');
    expect((error as AppError).status).toBe(403);
  });
});

import { describe, expect, it } from 'vitest';
import type { LiveStreamInfo, LiveStreamStatus } from '@roomcast/protocol';
import { absoluteUrl, latencyText, liveStreamView, watchUrl } from './liveStreamView.js';

const ORIGIN = 'https://meet.example.com';

function stream(status: LiveStreamStatus, overrides: Partial<LiveStreamInfo> = {}): LiveStreamInfo {
  return {
    id: 'AbC_12-xyz',
    name: 'stage',
    room: 'stage',
    status,
    playback: { url: '/hls/AbC_12-xyz/master.m3u8' },
    renditions: ['360p'],
    recording: { hls_vod: false, mp4: false, assets: [] },
    created_at: '2026-11-30T15:00:00.000Z',
    started_at: null,
    started_by: { type: 'participant', identity: 'alice' },
    stopped_at: null,
    stopped_by: null,
    error: status === 'failed' ? 'the HLS remux stopped unexpectedly' : null,
    ...overrides,
  };
}

const pick = (view: ReturnType<typeof liveStreamView>) => [view.status, view.label, view.canStart, view.canStop, view.stopText, view.monitor];

describe('liveStreamView', () => {
  it('maps each status to its label, buttons and monitor', () => {
    expect(pick(liveStreamView(undefined, undefined, ORIGIN))).toEqual(['idle', 'Off', true, false, 'Stop', false]);
    expect(pick(liveStreamView(stream('starting'), undefined, ORIGIN))).toEqual(['starting', 'Starting…', false, true, 'Stop', false]);
    expect(pick(liveStreamView(stream('running'), undefined, ORIGIN))).toEqual(['running', 'Live', false, true, 'Stop', true]);
    expect(pick(liveStreamView(stream('stopping'), undefined, ORIGIN))).toEqual(['stopping', 'Stopping…', false, false, 'Stop', false]);
    // A failed stream stays listed until someone dismisses it (a stop); a new one waits until then.
    expect(pick(liveStreamView(stream('failed'), undefined, ORIGIN))).toEqual(['failed', 'Failed', false, true, 'Dismiss', false]);
  });

  it('remembers a stopped stream (unlisted by the server) as stopped, and allows a new start', () => {
    const view = liveStreamView(undefined, stream('stopped'), ORIGIN);
    expect(pick(view)).toEqual(['stopped', 'Stopped', true, false, 'Stop', false]);
    expect(view.playbackUrl).toBeNull();
    // What the server lists wins over what this page remembers.
    expect(liveStreamView(stream('running', { id: 'other' }), stream('stopped'), ORIGIN).status).toBe('running');
  });

  it('gives the failure reason only for a failed stream', () => {
    expect(liveStreamView(stream('failed'), undefined, ORIGIN).error).toBe('the HLS remux stopped unexpectedly');
    expect(liveStreamView(stream('failed', { error: null }), undefined, ORIGIN).error).toBe('unknown reason');
    expect(liveStreamView(stream('running'), undefined, ORIGIN).error).toBeNull();
  });

  it('shows an absolute playback URL while starting or running', () => {
    expect(liveStreamView(stream('starting'), undefined, ORIGIN).playbackUrl).toBe(`${ORIGIN}/hls/AbC_12-xyz/master.m3u8`);
    const cdn = 'https://cdn.example.net/hls/AbC_12-xyz/master.m3u8';
    expect(liveStreamView(stream('running', { playback: { url: cdn } }), undefined, ORIGIN).playbackUrl).toBe(cdn);
    expect(liveStreamView(stream('stopping'), undefined, ORIGIN).playbackUrl).toBeNull();
  });
});

describe('URLs and latency', () => {
  it('makes paths absolute and leaves absolute URLs alone', () => {
    expect(absoluteUrl('/hls/x/master.m3u8', 'http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000/hls/x/master.m3u8');
    expect(absoluteUrl('HTTPS://a.example/x.m3u8', ORIGIN)).toBe('HTTPS://a.example/x.m3u8');
    expect(watchUrl('AbC_12-xyz', ORIGIN)).toBe(`${ORIGIN}/watch/AbC_12-xyz`);
  });

  it('passes a signed playback URL\'s exp and sig on to the watch page (HLS_SIGNED_URLS)', () => {
    expect(watchUrl('AbC_12-xyz', ORIGIN, '/hls/AbC_12-xyz/master.m3u8?exp=1800000000&sig=ab12')).toBe(`${ORIGIN}/watch/AbC_12-xyz?exp=1800000000&sig=ab12`);
    expect(watchUrl('AbC_12-xyz', ORIGIN, 'https://tv.example/hls/AbC_12-xyz/master.m3u8')).toBe(`${ORIGIN}/watch/AbC_12-xyz`);
  });

  it('says nothing about latency until hls.js has measured it', () => {
    expect(latencyText(0)).toBe('');
    expect(latencyText(Number.NaN)).toBe('');
    expect(latencyText(1.84)).toBe('1.8 s behind live');
  });
});

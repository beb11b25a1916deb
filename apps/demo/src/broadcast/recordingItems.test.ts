import { describe, expect, it } from 'vitest';
import type { LiveStreamInfo, RecordingInfo } from '@roomcast/protocol';
import { assetItems, durationText, recordingFromEvent, recordingFromStop, sizeText } from './recordingItems.js';

const ORIGIN = 'http://127.0.0.1:3000';
const ID = 'AbC_12-xyz';
const ASSETS = [
  { type: 'hls_vod' as const, url: `/recordings/${ID}/master.m3u8?exp=17&sig=ab`, duration_s: 64.2, size_bytes: 3_456_789 },
  { type: 'mp4' as const, url: `https://tv.example/recordings/${ID}/recording.mp4`, duration_s: 64.2, size_bytes: 999 },
];
const RECORDING: RecordingInfo = {
  id: ID, live_stream_id: ID, room: 'standup', created_at: '2026-11-30T15:00:00.000Z', status: 'ready',
  renditions: ['360p'], requested: { hls_vod: true, mp4: true }, assets: ASSETS, error: null,
};

describe('recordings list items', () => {
  it('reads the recording of a recording.ready event, and nothing from other or malformed events', () => {
    expect(recordingFromEvent('recording.ready', { live_stream: {}, recording: RECORDING })).toEqual({ id: ID, assets: ASSETS, error: null });
    expect(recordingFromEvent('live_stream.stopped', { recording: RECORDING })).toBeUndefined();
    expect(recordingFromEvent('recording.ready', { recording: { ...RECORDING, assets: [{ type: 'avi' }] } })).toBeUndefined();
    expect(recordingFromEvent('recording.ready', {})).toBeUndefined();
  });

  it('reads the assets a stop answered with, when there are any', () => {
    const stopped = { id: ID, recording: { hls_vod: true, mp4: true, assets: ASSETS } } as LiveStreamInfo;
    expect(recordingFromStop(stopped)).toEqual({ id: ID, assets: ASSETS, error: null });
    expect(recordingFromStop({ ...stopped, recording: { hls_vod: true, mp4: false, assets: [] } })).toBeUndefined();
  });

  it('lists each asset with its type, duration, size and an absolute download link that keeps its signature', () => {
    expect(assetItems({ id: ID, assets: ASSETS, error: null }, ORIGIN)).toEqual([
      { type: 'hls_vod', label: 'HLS (VOD)', details: '1:04 · 3.5 MB', href: `${ORIGIN}/recordings/${ID}/master.m3u8?exp=17&sig=ab`, download: `${ID}.m3u8` },
      { type: 'mp4', label: 'MP4', details: '1:04 · 999 B', href: `https://tv.example/recordings/${ID}/recording.mp4`, download: `${ID}.mp4` },
    ]);
  });

  it('formats durations and sizes', () => {
    expect([durationText(0), durationText(7.4), durationText(725), durationText(3723)]).toEqual(['0:00', '0:07', '12:05', '1:02:03']);
    expect([sizeText(512), sizeText(3400), sizeText(12_000_000), sizeText(2_500_000_000_000)]).toEqual(['512 B', '3.4 KB', '12.0 MB', '2500.0 GB']);
  });
});

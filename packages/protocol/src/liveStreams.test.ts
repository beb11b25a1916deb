import { describe, expect, it } from 'vitest';
import { EgressStateSchema, LiveStreamInfoSchema, Requests, StartLiveStreamBodySchema } from './index.js';

describe('live stream schemas', () => {
  it('accepts the contract body and refuses unknown fields and qualities', () => {
    const body = { name: 'Town hall', quality: '720p', layout: 'grid', renditions: ['720p'], recording: { hls_vod: true, mp4: false } };
    expect(StartLiveStreamBodySchema.safeParse(body).success).toBe(true);
    expect(StartLiveStreamBodySchema.safeParse({}).success).toBe(true);
    expect(StartLiveStreamBodySchema.safeParse({ ...body, extra: 1 }).success).toBe(false);
    expect(StartLiveStreamBodySchema.safeParse({ quality: '4k' }).success).toBe(false);
    expect(StartLiveStreamBodySchema.safeParse({ recording: { hls: true } }).success).toBe(false);
    expect(StartLiveStreamBodySchema.safeParse({ renditions: [] }).success).toBe(false);
    expect(StartLiveStreamBodySchema.safeParse({ renditions: ['720p', '360p'] }).success).toBe(true);
    expect(StartLiveStreamBodySchema.safeParse({ renditions: ['360p', '360p'] }).success).toBe(false);
  });

  it('describes a live stream as the contract says, inside the egress state too', () => {
    const info = {
      id: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'n', room: 'r', status: 'starting', playback: { url: '/hls/AAAAAAAAAAAAAAAAAAAAAA/master.m3u8' },
      renditions: ['720p'], recording: { hls_vod: false, mp4: false, assets: [] }, created_at: new Date().toISOString(),
      started_at: null, started_by: { type: 'api', identity: null }, stopped_at: null, stopped_by: null, error: null,
    };
    expect(LiveStreamInfoSchema.parse(info)).toEqual(info);
    const egress = { broadcasting: true, layout: 'grid', quality: '720p', rtmps: [], live_streams: [info], media_streams: [] };
    expect(EgressStateSchema.safeParse(egress).success).toBe(true);
    expect(Requests.startLiveStream.request.safeParse({ quality: '360p' }).success).toBe(true);
    expect(Requests.stopLiveStream.request.safeParse(undefined).success).toBe(true);
    expect(Requests.stopLiveStream.request.safeParse({ id: '../x' }).success).toBe(false);
  });
});

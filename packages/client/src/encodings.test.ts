import { describe, expect, it } from 'vitest';
import { CAMERA_SIMULCAST_ENCODINGS, pickCodec, produceSettings } from './encodings.js';

describe('produceSettings', () => {
  it('camera: three VP8 simulcast layers, quarter to full resolution, rising bitrates', () => {
    const settings = produceSettings('camera');
    expect(settings.codecMimeType).toBe('video/VP8');
    expect(settings.encodings?.map((e) => e.scaleResolutionDownBy)).toEqual([4, 2, 1]);
    expect(settings.encodings?.map((e) => e.maxBitrate)).toEqual([100_000, 300_000, 900_000]);
  });

  it('hands out copies, so mediasoup-client cannot alter the shared constants', () => {
    const settings = produceSettings('camera');
    settings.encodings![0]!.maxBitrate = 1;
    expect(CAMERA_SIMULCAST_ENCODINGS[0]!.maxBitrate).toBe(100_000);
  });

  it('audio has no encodings, only Opus options', () => {
    expect(produceSettings('microphone').encodings).toBeUndefined();
    expect(produceSettings('microphone').codecOptions?.opusFec).toBe(true);
  });
});

describe('pickCodec', () => {
  const capabilities = {
    codecs: [
      { kind: 'video' as const, mimeType: 'video/H264', clockRate: 90000, preferredPayloadType: 102 },
      { kind: 'video' as const, mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 101 },
    ],
  };
  it('finds the codec case-insensitively, or leaves the choice to the device', () => {
    expect(pickCodec(capabilities, 'video/vp8')?.mimeType).toBe('video/VP8');
    expect(pickCodec(capabilities, 'video/AV1')).toBeUndefined();
    expect(pickCodec(capabilities, undefined)).toBeUndefined();
  });
});

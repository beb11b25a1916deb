import { describe, expect, it } from 'vitest';
import {
  AppError,
  CreateTokenBodySchema,
  ERROR_STATUS,
  Requests,
  StartRtmpBroadcastsBodySchema,
  RequestEnvelopeSchema,
} from './index.js';

describe('REST bodies', () => {
  it('accepts only rtmp:// and rtmps:// stream URLs', () => {
    const body = (stream_url: string) => ({ broadcasts: [{ name: 'yt', stream_url }] });
    expect(StartRtmpBroadcastsBodySchema.safeParse(body('rtmp://a.rtmp.youtube.com/live2')).success).toBe(true);
    expect(StartRtmpBroadcastsBodySchema.safeParse(body('rtmps://live.twitch.tv/app')).success).toBe(true);
    for (const bad of ['file:/etc/passwd', 'pipe:1', 'concat:a|b', 'http://x/y', 'rtmp://host/app|evil', 'rtmp://', 'RTMP ://x']) {
      expect(StartRtmpBroadcastsBodySchema.safeParse(body(bad)).success, bad).toBe(false);
    }
  });

  it('rejects unknown roles and unknown fields in token requests', () => {
    expect(CreateTokenBodySchema.safeParse({ identity: 'a', role: 'viewer' }).success).toBe(true);
    expect(CreateTokenBodySchema.safeParse({ identity: 'a', role: 'admin' }).success).toBe(false);
    expect(CreateTokenBodySchema.safeParse({ identity: 'a', role: 'viewer', admin: true }).success).toBe(false);
    expect(CreateTokenBodySchema.safeParse({ identity: '', role: 'viewer' }).success).toBe(false);
  });
});

describe('signaling', () => {
  it('validates the request envelope and each method', () => {
    expect(RequestEnvelopeSchema.safeParse({ id: 1, method: 'join', data: {} }).success).toBe(true);
    expect(RequestEnvelopeSchema.safeParse({ method: 'join' }).success).toBe(false);
    expect(Requests.createTransport.request.safeParse({ direction: 'send' }).success).toBe(true);
    expect(Requests.createTransport.request.safeParse({ direction: 'both' }).success).toBe(false);
    const rtpParameters = { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 1 }] };
    expect(Requests.produce.request.safeParse({ transportId: 't', kind: 'video', rtpParameters, source: 'camera' }).success).toBe(true);
    expect(Requests.produce.request.safeParse({ transportId: 't', kind: 'smell', rtpParameters, source: 'camera' }).success).toBe(false);
  });

  it('checks the WebRTC parameters a client sends, field by field, and keeps fields it does not know', () => {
    const produce = (rtpParameters: unknown) => Requests.produce.request.safeParse({ transportId: 't', kind: 'video', rtpParameters, source: 'camera' });
    const codec = { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 };
    expect(produce({ codecs: [] }).success).toBe(false);
    expect(produce({ codecs: [{ ...codec, mimeType: 'video/VP8\r\na=x' }] }).success).toBe(false);
    expect(produce({ codecs: [{ ...codec, payloadType: 128 }] }).success).toBe(false);
    expect(produce({ codecs: [{ ...codec, parameters: { 'profile-id': { nested: true } } }] }).success).toBe(false);
    expect(produce({ codecs: [codec], encodings: [{ ssrc: -1 }] }).success).toBe(false);
    const withExtra = produce({ codecs: [{ ...codec, futureField: 1 }], encodings: [{ ssrc: 7, rid: 'r0' }] });
    expect(withExtra.success && (withExtra.data.rtpParameters.codecs[0] as Record<string, unknown>).futureField).toBe(1);

    const connect = (dtlsParameters: unknown) => Requests.connectTransport.request.safeParse({ transportId: 't', dtlsParameters });
    expect(connect({ role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD:EF' }] }).success).toBe(true);
    expect(connect({ role: 'client', fingerprints: [] }).success).toBe(false);
    expect(connect({ role: 'boss', fingerprints: [{ algorithm: 'sha-256', value: 'AB' }] }).success).toBe(false);
    expect(connect({ fingerprints: [{ algorithm: 'sha-256', value: 'not hex' }] }).success).toBe(false);

    const join = (rtpCapabilities: unknown) => Requests.join.request.safeParse({ rtpCapabilities });
    expect(join({ codecs: [{ kind: 'video', mimeType: 'video/VP8', clockRate: 90000, preferredPayloadType: 96 }] }).success).toBe(true);
    expect(join({ codecs: [{ kind: 'smell', mimeType: 'video/VP8', clockRate: 90000 }] }).success).toBe(false);
    expect(join({ codecs: 'all' }).success).toBe(false);
  });
});

describe('AppError', () => {
  it('carries the HTTP status of its code', () => {
    expect(new AppError('room_not_found', 'x').status).toBe(404);
    expect(new AppError('destination_failed', 'x', { destination: true }).destination).toBe(true);
    expect(Object.values(ERROR_STATUS).every((s) => s >= 400 && s < 600)).toBe(true);
  });
});

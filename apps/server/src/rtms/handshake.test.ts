import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RtmsStatus } from '@roomcast/protocol';
import { mediaStreamSignature, signatureMatches, verifyHandshake } from './handshake.js';
import type { AppLike, StreamLike } from './ports.js';

const appA: AppLike = { id: 'notes', client_id: 'cid-a', client_secret: 'secret-a' };
const appB: AppLike = { id: 'archive', client_id: 'cid-b', client_secret: 'secret-b' };

function stream(overrides: Partial<StreamLike> = {}): StreamLike {
  return {
    id: 's1', appId: 'notes', roomName: 'standup', ended: false, transcriptAvailable: false,
    info: () => ({ audio: {}, video: null, transcript: false }),
    mediaParams: () => ({}),
    sessions: () => [],
    attachMedia: () => () => {},
    attachSignaling: () => () => {},
    ...overrides,
  };
}

function deps(streams: StreamLike[]) {
  return {
    streams: { get: (id: string) => streams.find((s) => s.id === id) },
    apps: { byId: (id: string) => [appA, appB].find((a) => a.id === id), all: () => [appA, appB] },
  };
}

const sign = (app: AppLike, room: string, id: string) => mediaStreamSignature(app, room, id);

describe('mediaStreamSignature', () => {
  it('is hex HMAC-SHA256(client_secret, "client_id,room_id,stream_id")', () => {
    const expected = createHmac('sha256', 'secret-a').update('cid-a,standup,s1').digest('hex');
    expect(sign(appA, 'standup', 's1')).toBe(expected);
  });
});

describe('signatureMatches', () => {
  const good = sign(appA, 'standup', 's1');
  it('accepts the same digest in either case', () => {
    expect(signatureMatches(good, good)).toBe(true);
    expect(signatureMatches(good, good.toUpperCase())).toBe(true);
  });
  it('refuses another digest, a truncated one, and non-hex text without throwing', () => {
    expect(signatureMatches(good, sign(appA, 'standup', 's2'))).toBe(false);
    expect(signatureMatches(good, good.slice(0, 62))).toBe(false);
    expect(signatureMatches(good, 'z'.repeat(64))).toBe(false);
    expect(signatureMatches(good, '')).toBe(false);
  });
});

describe('verifyHandshake', () => {
  const streams = [stream(), stream({ id: 'gone', ended: true }), stream({ id: 'arch', appId: 'archive' })];

  it('accepts the owning app\'s signature', () => {
    const verdict = verifyHandshake(deps(streams), { room_id: 'standup', stream_id: 's1', signature: sign(appA, 'standup', 's1') });
    expect(verdict).toMatchObject({ ok: true, app: { id: 'notes' }, stream: { id: 's1' } });
  });

  it('answers a bad signature the same whether the stream exists or not', () => {
    const known = verifyHandshake(deps(streams), { room_id: 'standup', stream_id: 's1', signature: 'ab'.repeat(32) });
    const unknown = verifyHandshake(deps(streams), { room_id: 'standup', stream_id: 'nope', signature: 'ab'.repeat(32) });
    const wrongRoom = verifyHandshake(deps(streams), { room_id: 'other', stream_id: 's1', signature: sign(appA, 'standup', 's1') });
    expect(known).toEqual({ ok: false, status: RtmsStatus.SIGNATURE_INVALID, reason: 'signature does not match' });
    expect(unknown).toEqual(known);
    expect(wrongRoom).toEqual(known);
  });

  it('tells a holder of an app secret that a stream is not found, or not theirs', () => {
    const unknown = verifyHandshake(deps(streams), { room_id: 'standup', stream_id: 'nope', signature: sign(appA, 'standup', 'nope') });
    const othersStream = verifyHandshake(deps(streams), { room_id: 'standup', stream_id: 'arch', signature: sign(appA, 'standup', 'arch') });
    expect(unknown).toMatchObject({ ok: false, status: RtmsStatus.STREAM_NOT_FOUND });
    expect(othersStream).toEqual(unknown);
  });

  it('refuses a signature made with the right secret for the wrong room', () => {
    const verdict = verifyHandshake(deps(streams), { room_id: 'other', stream_id: 's1', signature: sign(appA, 'other', 's1') });
    expect(verdict).toMatchObject({ ok: false, status: RtmsStatus.STREAM_NOT_FOUND });
  });

  it('says STREAM_ENDED for an ended stream', () => {
    const verdict = verifyHandshake(deps(streams), { room_id: 'standup', stream_id: 'gone', signature: sign(appA, 'standup', 'gone') });
    expect(verdict).toMatchObject({ ok: false, status: RtmsStatus.STREAM_ENDED });
  });
});

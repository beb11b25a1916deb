import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signHandshake } from './signature.js';
import { verifyWebhook } from './webhook.js';

const secret = 'app-secret';
const now = 1_800_000_000;
const body = JSON.stringify({
  id: 'evt_1',
  type: 'media_stream.started',
  created_at: '2026-11-30T00:00:00Z',
  room_id: 'r1',
  data: { room_id: 'r1', stream_id: 'ms_1', server_urls: 'ws://127.0.0.1:1/rtms/signaling' },
});

/** The server's scheme, written out here so the test does not share code with what it checks. */
function header(payload: string, t = now, key = secret): string {
  return `t=${t},v1=${createHmac('sha256', key).update(`${t}.${payload}`).digest('hex')}`;
}

describe('verifyWebhook', () => {
  it('returns the event of a correctly signed body', () => {
    expect(verifyWebhook(body, header(body), secret, 300, now)).toMatchObject({ type: 'media_stream.started', data: { stream_id: 'ms_1' } });
  });

  it.each([
    ['a wrong secret', header(body, now, 'other')],
    ['a tampered body', header(body.replace('ms_1', 'ms_2'))],
    ['a missing header', ''],
    ['a header without v1', `t=${now}`],
    ['a short v1', `t=${now},v1=abcd`],
  ])('refuses %s', (_name, signature) => {
    expect(() => verifyWebhook(body, signature, secret, 300, now)).toThrow(expect.objectContaining({ code: 'unauthorized' }));
  });

  it('refuses a signature older or newer than the tolerance', () => {
    expect(() => verifyWebhook(body, header(body, now - 301), secret, 300, now)).toThrow(/expired/);
    expect(() => verifyWebhook(body, header(body, now + 301), secret, 300, now)).toThrow(/expired/);
    expect(verifyWebhook(body, header(body, now - 299), secret, 300, now).id).toBe('evt_1');
  });

  it('refuses a signed body that is not a webhook event', () => {
    const other = JSON.stringify({ hello: 'world' });
    expect(() => verifyWebhook(other, header(other), secret, 300, now)).toThrow(expect.objectContaining({ code: 'invalid_body' }));
  });
});

describe('signHandshake', () => {
  it('is hex HMAC-SHA256 of "client_id,room_id,stream_id"', () => {
    const expected = createHmac('sha256', 'sec').update('cid,room-1,ms_1').digest('hex');
    expect(signHandshake('cid', 'sec', 'room-1', 'ms_1')).toBe(expected);
  });
});

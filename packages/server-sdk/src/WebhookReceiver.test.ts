import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { WebhookReceiver } from './WebhookReceiver.js';
import { verifyWebhook } from './verifyWebhook.js';

const secret = 'whsec-test-0123456789';
const event = { id: 'evt_1', type: 'room.started', created_at: '2026-11-30T00:00:00.000Z', room_id: 'standup', data: { room: 'standup' } };
const body = JSON.stringify(event);
const nowS = () => Math.floor(Date.now() / 1000);

/** The server's scheme written out here, so the test shares no code with what it checks. */
function sign(payload: string, t = nowS(), key = secret): string {
  return `t=${t},v1=${createHmac('sha256', key).update(`${t}.${payload}`).digest('hex')}`;
}

describe('WebhookReceiver', () => {
  const receiver = new WebhookReceiver(secret);

  it('returns the typed event of a correctly signed body (string or bytes)', () => {
    expect(receiver.receive(body, sign(body))).toEqual(event);
    expect(receiver.receive(new TextEncoder().encode(body), sign(body)).type).toBe('room.started');
  });

  it('accepts when one of several v1 signatures matches (secret rotation)', () => {
    const t = nowS();
    const other = sign(body, t, 'old-secret').split(',')[1];
    expect(receiver.receive(body, `${sign(body, t)},${other}`).id).toBe('evt_1');
  });

  it.each([
    ['a tampered body', body.replace('standup', 'other'), sign(body), 'signature_invalid'],
    ['a wrong secret', body, sign(body, nowS(), 'other-secret'), 'signature_invalid'],
    ['a missing header', body, undefined, 'signature_missing'],
    ['a header without v1', body, `t=${nowS()}`, 'signature_missing'],
    ['a truncated v1', body, sign(body).slice(0, -2), 'signature_missing'],
  ])('refuses %s', (_name, payload, header, reason) => {
    expect(() => receiver.receive(payload, header)).toThrow(expect.objectContaining({ code: 'unauthorized', reason }));
  });

  it('refuses a timestamp outside the tolerance, either way, and honours toleranceSeconds', () => {
    expect(() => receiver.receive(body, sign(body, nowS() - 301))).toThrow(expect.objectContaining({ reason: 'signature_expired' }));
    expect(() => receiver.receive(body, sign(body, nowS() + 301))).toThrow(expect.objectContaining({ reason: 'signature_expired' }));
    expect(() => receiver.receive(body, sign(body, nowS() - 30), { toleranceSeconds: 10 })).toThrow(/expired/);
    expect(receiver.receive(body, sign(body, nowS() - 30), { toleranceSeconds: 60 }).id).toBe('evt_1');
  });

  it.each([
    ['not JSON', 'not json'],
    ['JSON that is not an event', JSON.stringify({ hello: 'world' })],
    ['an unknown event type', JSON.stringify({ ...event, type: 'room.exploded' })],
  ])('refuses a correctly signed body that is %s, as invalid_body', (_name, payload) => {
    expect(() => receiver.receive(payload, sign(payload))).toThrow(expect.objectContaining({ code: 'invalid_body', reason: 'malformed_body' }));
  });

  it('verifyWebhook takes an explicit clock (what media-stream-client re-exports)', () => {
    const t = 1_800_000_000;
    expect(verifyWebhook(body, sign(body, t), secret, 300, t + 299).id).toBe('evt_1');
    expect(() => verifyWebhook(body, sign(body, t), secret, 300, t + 301)).toThrow(/expired/);
  });

  it('never puts the secret or the signature in its messages', () => {
    const header = sign(body, nowS(), 'other-secret');
    try {
      receiver.receive(body, header);
      expect.unreachable();
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(secret);
      expect(String((error as Error).message)).not.toContain(header.split('v1=')[1]);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { claimsAllowPublish, readTokenClaims, signalUrl } from './connectionParams.js';

/** An unsigned JWT-shaped string: the SDK only reads claims, the server verifies signatures. */
function token(claims: object): string {
  const part = (value: object): string => {
    const bytes = new TextEncoder().encode(JSON.stringify(value));
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  };
  return `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}.signature`;
}

describe('signalUrl', () => {
  it('maps http(s) to ws(s), appends /ws and the token', () => {
    expect(signalUrl('http://127.0.0.1:3000', 'abc')).toBe('ws://127.0.0.1:3000/ws?token=abc');
    expect(signalUrl('https://rooms.example.com/', 't')).toBe('wss://rooms.example.com/ws?token=t');
  });

  it('keeps a path prefix and escapes the token', () => {
    expect(signalUrl('https://example.com/roomcast/', 'a+b/c=')).toBe('wss://example.com/roomcast/ws?token=a%2Bb%2Fc%3D');
  });

  it('accepts ws URLs and rejects other schemes', () => {
    expect(signalUrl('ws://host:1', 'x')).toBe('ws://host:1/ws?token=x');
    expect(() => signalUrl('ftp://host', 'x')).toThrow(/unsupported/);
  });
});

describe('readTokenClaims', () => {
  it('reads the participant claims, including non-ASCII names', () => {
    const claims = readTokenClaims(token({ sub: 'alice', name: 'Zoë', room: 'demo', role: 'viewer', exp: 1 }));
    expect(claims).toMatchObject({ sub: 'alice', name: 'Zoë', room: 'demo', role: 'viewer' });
  });

  it('returns undefined for garbage or foreign claims', () => {
    expect(readTokenClaims('not-a-jwt')).toBeUndefined();
    expect(readTokenClaims('a.!!!.c')).toBeUndefined();
    expect(readTokenClaims(token({ grants: { admin: true } }))).toBeUndefined();
  });
});

describe('claimsAllowPublish', () => {
  const base = { sub: 'a', room: 'r' };
  it('viewers never publish, explicit capabilities decide otherwise, unknown asks the server', () => {
    expect(claimsAllowPublish({ ...base, role: 'viewer', capabilities: ['publish'] })).toBe(false);
    expect(claimsAllowPublish({ ...base, role: 'participant' })).toBe(true);
    expect(claimsAllowPublish({ ...base, role: 'moderator', capabilities: ['subscribe'] })).toBe(false);
    expect(claimsAllowPublish(undefined)).toBe(true);
  });
});

import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { AdminClaimsSchema, ParticipantClaimsSchema } from '@roomcast/protocol';
import { AccessToken } from './AccessToken.js';

const credentials = { apiKey: 'key-1', apiSecret: 'secret-1' };
const secret = new TextEncoder().encode(credentials.apiSecret);
/** The server's own checks (apps/server/src/auth.ts): HS256, issuer = API key, exp required. */
const verify = (jwt: string) => jwtVerify(jwt, secret, { issuer: 'key-1', algorithms: ['HS256'], requiredClaims: ['exp'] });

describe('AccessToken', () => {
  it('mints a participant token with the claims the server reads', async () => {
    const before = Math.floor(Date.now() / 1000);
    const jwt = await new AccessToken(credentials)
      .forParticipant({ room: 'standup', identity: 'alice', name: 'Alice', role: 'moderator', capabilities: ['publish'], ttlSeconds: 3600 })
      .toJwt();
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await verify(jwt);
    expect(payload).toMatchObject({ iss: 'key-1', sub: 'alice', name: 'Alice', room: 'standup', role: 'moderator', capabilities: ['publish'] });
    expect(payload.exp! - payload.iat!).toBe(3600);
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(ParticipantClaimsSchema.parse(payload)).toEqual({ sub: 'alice', name: 'Alice', room: 'standup', role: 'moderator', capabilities: ['publish'] });
    expect(payload).not.toHaveProperty('grants');
  });

  it('defaults the name to the identity, the ttl to 6 hours, and leaves capabilities out', async () => {
    const { payload } = await verify(await new AccessToken(credentials).forParticipant({ room: 'r', identity: 'bob', role: 'viewer' }).toJwt());
    expect(payload.name).toBe('bob');
    expect(payload.exp! - payload.iat!).toBe(6 * 3600);
    expect(payload).not.toHaveProperty('capabilities');
  });

  it('mints an admin token: grants.admin, no participant claims, 600 s by default', async () => {
    const { payload } = await verify(await new AccessToken(credentials).forAdmin().toJwt());
    expect(AdminClaimsSchema.safeParse(payload).success).toBe(true);
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(payload).not.toHaveProperty('sub');
    expect(payload).not.toHaveProperty('room');
  });

  it('is refused by a server with another secret', async () => {
    const jwt = await new AccessToken({ apiKey: 'key-1', apiSecret: 'other' }).forAdmin().toJwt();
    await expect(verify(jwt)).rejects.toThrow();
  });

  it.each([
    ['a room name with a slash', { room: 'a/b', identity: 'x', role: 'participant' as const }],
    ['an empty identity', { room: 'r', identity: '', role: 'participant' as const }],
    ['an unknown role', { room: 'r', identity: 'x', role: 'admin' as never }],
    ['a ttl under 60 s', { room: 'r', identity: 'x', role: 'participant' as const, ttlSeconds: 10 }],
    ['an unknown capability', { room: 'r', identity: 'x', role: 'participant' as const, capabilities: ['fly' as never] }],
  ])('refuses %s before signing, with a coded error', (_name, grant) => {
    expect(() => new AccessToken(credentials).forParticipant(grant)).toThrow(expect.objectContaining({ code: 'bad_request' }));
  });

  it('needs both the key and the secret', () => {
    expect(() => new AccessToken({ apiKey: 'k', apiSecret: '' })).toThrow(/apiSecret/);
  });
});

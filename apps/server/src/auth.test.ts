import { describe, expect, it } from 'vitest';
import { Auth } from './auth.js';

describe('Auth', () => {
  const auth = new Auth('key1', 'secret-one');

  it('round-trips a participant token with its claims', async () => {
    const { token } = await auth.mintParticipant('room1', { identity: 'u1', name: 'User', role: 'moderator', capabilities: ['publish'] });
    expect(await auth.verifyParticipant(token)).toMatchObject({ sub: 'u1', name: 'User', room: 'room1', role: 'moderator', capabilities: ['publish'] });
  });

  it('accepts its admin tokens and rejects participant tokens for management', async () => {
    await expect(auth.verifyAdmin(`Bearer ${await auth.mintAdmin()}`)).resolves.toBeUndefined();
    const { token } = await auth.mintParticipant('room1', { identity: 'u1', role: 'participant' });
    await expect(auth.verifyAdmin(`Bearer ${token}`)).rejects.toMatchObject({ code: 'forbidden' });
    await expect(auth.verifyAdmin(undefined)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(auth.verifyAdmin('Basic abc')).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('rejects tokens of another key or secret', async () => {
    const other = new Auth('key2', 'secret-one');
    await expect(auth.verifyAdmin(`Bearer ${await other.mintAdmin()}`)).rejects.toMatchObject({ code: 'invalid_token' });
    const forged = new Auth('key1', 'secret-two');
    await expect(auth.verifyAdmin(`Bearer ${await forged.mintAdmin()}`)).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('rejects an admin token used as a participant token', async () => {
    await expect(auth.verifyParticipant(await auth.mintAdmin())).rejects.toMatchObject({ code: 'invalid_token' });
  });
});

import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@roomcast/protocol';
import { startRedisWithClient } from '../webhooks/redisTestServer.js';
import { AssetUploadTickets, RedisTicketLedger } from './assetUploadTickets.js';

const SECRET = 'tickets-secret-0123456789abcdef0123456789';

const refusal = async (redeem: Promise<unknown>): Promise<AppError> => {
  const error = await redeem.then(() => undefined, (thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

describe('upload tickets redeemed on several egress nodes (one Redis ledger)', () => {
  let redis: Awaited<ReturnType<typeof startRedisWithClient>>;
  let client: Redis;

  beforeAll(async () => {
    redis = await startRedisWithClient();
    client = redis.client;
  });
  afterAll(() => redis?.close());

  it('a ticket used on one node is used on the other; its ledger entry lives as long as the ticket', async () => {
    const nodeA = new AssetUploadTickets(SECRET, undefined, new RedisTicketLedger(client));
    const nodeB = new AssetUploadTickets(SECRET, undefined, new RedisTicketLedger(client));
    const ticket = nodeA.issue('show', 'mod');
    expect(await nodeA.redeem(ticket.token)).toEqual({ room: 'show', identity: 'mod' });
    const again = await refusal(nodeB.redeem(ticket.token));
    expect([again.code, again.status]).toEqual(['invalid_token', 401]);
    const [key] = await client.keys('roomcast:upload-ticket:*');
    expect(await client.pttl(key!)).toBeGreaterThan(60_000);
    // Another ticket is its own.
    expect(await nodeB.redeem(nodeB.issue('show', 'mod').token)).toEqual({ room: 'show', identity: 'mod' });
  });

  it('Redis away: no ticket is redeemed (a coded 503), and the ticket still works once it is back', async () => {
    const tickets = new AssetUploadTickets(SECRET, undefined, new RedisTicketLedger(client));
    const ticket = tickets.issue('show', 'mod');
    await redis.server.stop();
    await expect.poll(() => client.status).not.toBe('ready');
    const down = await refusal(tickets.redeem(ticket.token));
    expect([down.code, down.status]).toEqual(['cluster_unavailable', 503]);
    await redis.server.start();
    await expect.poll(() => client.status, { timeout: 10_000 }).toBe('ready');
    expect(await tickets.redeem(ticket.token)).toEqual({ room: 'show', identity: 'mod' });
  });
});

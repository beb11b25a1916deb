import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EgressCommands } from '@roomcast/egress';
import { emptyEgressState, type StartRtmpBroadcastsBody } from '@roomcast/protocol';
import { startRedisWithClient } from '../webhooks/redisTestServer.js';
import { BroadcastJobs } from './BroadcastJobs.js';
import { RedisBroadcastJobStore, STORED_JOB_TTL_MS } from './BroadcastJobStore.js';

const SECRET = 'jobs-secret-0123456789abcdef0123456789';
const STREAM_KEY = 'live_123456_verysecretstreamkey';
const BODY: StartRtmpBroadcastsBody = {
  quality: '720p',
  layout: 'spotlight',
  broadcasts: [{ name: 'youtube', stream_url: 'rtmp://a.rtmp.youtube.com/live2', stream_key: STREAM_KEY }],
};
const API = { type: 'api' as const, identity: null };

/** The egress's side of the commands, recorded (what a node would be asked; the egress itself is not under test here). */
function recordingCommands(calls: Array<[string, string, unknown]>): EgressCommands {
  const record = (name: string) => async (room: string, body?: unknown) => {
    calls.push([name, room, body]);
    return emptyEgressState();
  };
  return new Proxy({} as EgressCommands, { get: (_target, name: string) => record(name) });
}

describe('broadcast jobs kept in Redis, encrypted (a room taken over by another SFU node resumes them)', () => {
  let redis: Awaited<ReturnType<typeof startRedisWithClient>>;
  let client: Redis;
  const errors: unknown[] = [];
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

  beforeAll(async () => {
    redis = await startRedisWithClient();
    client = redis.client;
  });
  afterAll(() => redis?.close());

  it("a job saved by one node is adopted by the room's next home and asked of the egress again, as its starter", async () => {
    const first = new BroadcastJobs(recordingCommands([]));
    first.useStore(new RedisBroadcastJobStore(client, SECRET, 'sfu-a'), (error) => errors.push(error));
    await first.startBroadcasts('show', BODY, API);
    await settle();

    // What Redis holds: no stream key, no URL in clear; its home; a TTL.
    const raw = await client.hgetall('roomcast:broadcasts:show');
    expect(raw.home).toBe('sfu-a');
    expect(JSON.stringify(raw)).not.toContain(STREAM_KEY);
    expect(JSON.stringify(raw)).not.toContain('youtube.com');
    const ttl = await client.pttl('roomcast:broadcasts:show');
    expect(ttl).toBeGreaterThan(STORED_JOB_TTL_MS - 5_000);

    const calls: Array<[string, string, unknown]> = [];
    const next = new BroadcastJobs(recordingCommands(calls));
    next.useStore(new RedisBroadcastJobStore(client, SECRET, 'sfu-b'), (error) => errors.push(error));
    expect(await next.adopt('show')).toBe(true);
    await next.resume((_room, error) => errors.push(error), ['show']);
    expect(calls).toEqual([['startBroadcasts', 'show', { quality: '720p', layout: 'spotlight', broadcasts: BODY.broadcasts }]]);
    await settle();
    expect(await client.hget('roomcast:broadcasts:show', 'home')).toBe('sfu-b');

    // The old home closing the room late removes nothing of the new home's.
    first.forgetRoom('show');
    await settle();
    expect(await client.exists('roomcast:broadcasts:show')).toBe(1);
    // Stopped at its new home: gone.
    await next.stopAllBroadcasts('show', API);
    await settle();
    expect(await client.exists('roomcast:broadcasts:show')).toBe(0);
    expect(errors).toEqual([]);
  });

  it('nothing to adopt: a room with no job, a job sealed with another secret, or one changed in Redis', async () => {
    const owner = new BroadcastJobs(recordingCommands([]));
    owner.useStore(new RedisBroadcastJobStore(client, SECRET, 'sfu-a'), (error) => errors.push(error));
    await owner.startBroadcasts('sealed', BODY, API);
    await settle();
    const adopter = (secret: string) => {
      const jobs = new BroadcastJobs(recordingCommands([]));
      jobs.useStore(new RedisBroadcastJobStore(client, secret, 'sfu-b'), (error) => errors.push(error));
      return jobs;
    };
    expect(await adopter(SECRET).adopt('never-broadcast')).toBe(false);
    expect(await adopter('another-cluster-secret-0123456789abcdef').adopt('sealed')).toBe(false);
    const sealed = (await client.hget('roomcast:broadcasts:sealed', 'value'))!;
    const tampered = `${sealed.slice(0, -3)}${sealed.endsWith('AAA') ? 'BBB' : 'AAA'}`;
    await client.hset('roomcast:broadcasts:sealed', 'value', tampered);
    expect(await adopter(SECRET).adopt('sealed')).toBe(false);
    expect(errors).toEqual([]);
  });

  it("the home's refresh keeps a job past its TTL; a room it stops broadcasting is removed", async () => {
    const store = new RedisBroadcastJobStore(client, SECRET, 'sfu-a');
    const jobs = new BroadcastJobs(recordingCommands([]));
    jobs.useStore(store, (error) => errors.push(error));
    await jobs.startBroadcasts('kept', BODY, API);
    await settle();
    await client.pexpire('roomcast:broadcasts:kept', 1_000);
    await store.refresh(jobs.rooms());
    expect(await client.pttl('roomcast:broadcasts:kept')).toBeGreaterThan(STORED_JOB_TTL_MS - 5_000);
    await jobs.stopBroadcast('kept', 'youtube', API);
    await settle();
    expect(await client.exists('roomcast:broadcasts:kept')).toBe(0);
    expect(errors).toEqual([]);
  });

  it("lists the rooms whose jobs a node kept last (what a survivor takes over when that node is lost)", async () => {
    const storeOf = (node: string) => new RedisBroadcastJobStore(client, SECRET, node);
    const jobsOf = (node: string) => {
      const jobs = new BroadcastJobs(recordingCommands([]));
      jobs.useStore(storeOf(node), (error) => errors.push(error));
      return jobs;
    };
    const lost = jobsOf('sfu-lost');
    const alive = jobsOf('sfu-alive');
    for (const room of ['card-1', 'card-2']) await lost.startBroadcasts(room, BODY, API);
    await alive.startBroadcasts('elsewhere', BODY, API);
    await settle();
    expect((await storeOf('sfu-x').roomsOf('sfu-lost')).sort()).toEqual(['card-1', 'card-2']);
    expect(await storeOf('sfu-x').roomsOf('sfu-alive')).toEqual(['elsewhere']);
    expect(await storeOf('sfu-x').roomsOf('sfu-none')).toEqual([]);
    expect(errors).toEqual([]);
  });
});

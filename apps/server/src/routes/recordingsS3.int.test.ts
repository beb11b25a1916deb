import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LiveStreamInfo, RecordingAsset } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../testServer.js';

/*
 * Uploads of recordings to S3-compatible storage (RECORDINGS_S3_*). No S3 or MinIO can run here:
 * s3rver (a Koa app implementing the S3 REST API on disk, on loopback) stands in for S3. Real
 * server, FFmpeg and AWS SDK; the live streams show the placeholder card (no publisher needed).
 */

const BUCKET = 'media';
const PREFIX = 'rec-test/';
const RECORD_MS = 3000;
// The SDK's default chain reads these; s3rver's built-in account.
const CREDENTIALS = { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(100);
  }
  return false;
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Accepts connections and never answers: an upload to it can only end by timeout or abort. */
async function blackHole(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('recording uploads to S3-compatible storage', () => {
  let root: string;
  let s3: S3rver;
  let s3Port: number;
  let client: S3Client;
  const order: string[] = [];
  const servers: TestServer[] = [];
  const savedEnv = { AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY };

  const s3Env = (port: number, dir: string) => ({
    HLS_DIR: join(root, `hls-${dir}`),
    RECORDINGS_DIR: join(root, dir),
    RECORDINGS_S3_BUCKET: BUCKET,
    RECORDINGS_S3_PREFIX: PREFIX,
    RECORDINGS_S3_ENDPOINT: `http://127.0.0.1:${port}`,
    RECORDINGS_S3_FORCE_PATH_STYLE: 'true',
  });

  const startServer = async (env: Record<string, string>): Promise<TestServer> => {
    const server = await startTestServer(env, { captureLogs: true });
    servers.push(server);
    server.egress.on('event', (_room, type) => {
      if (type === 'recording.ready') order.push('ready');
    });
    return server;
  };

  /** Starts a recorded live stream (HLS VOD + MP4) in a new room and waits until it runs. */
  const record = async (server: TestServer, room: string): Promise<LiveStreamInfo> => {
    await server.sfu.createRoom(room);
    const response = await server.api(`/v1/rooms/${room}/live_streams`, { method: 'POST', body: { quality: '360p', recording: { hls_vod: true, mp4: true } } });
    expect(response.status).toBe(201);
    const stream = (await response.json()) as LiveStreamInfo;
    const running = async () => ((await (await server.api(`/v1/live_streams/${stream.id}`)).json()) as LiveStreamInfo).status === 'running';
    expect(await waitFor(running, 20_000)).toBe(true);
    await sleep(RECORD_MS);
    return stream;
  };

  const stop = async (server: TestServer, id: string): Promise<LiveStreamInfo> =>
    (await (await server.api(`/v1/live_streams/${id}/stop`, { method: 'POST' })).json()) as LiveStreamInfo;

  /** Every file of the recording's assets, relative to its directory, with its size on disk. */
  const localFiles = async (dir: string): Promise<Map<string, number>> => {
    const files = new Map<string, number>();
    for (const name of ['master.m3u8', 'recording.mp4']) files.set(name, (await stat(join(dir, name))).size);
    const playlist = await readFile(join(dir, '360p', 'index.m3u8'), 'utf8');
    const media = ['index.m3u8', 'init.mp4', ...playlist.split('\n').filter((l) => /^seg\d+\.m4s$/.test(l))];
    for (const name of media) files.set(`360p/${name}`, (await stat(join(dir, '360p', name))).size);
    return files;
  };

  const bucketObjects = async (): Promise<Map<string, number>> => {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: PREFIX }));
    return new Map((listed.Contents ?? []).map((o) => [o.Key!, o.Size!]));
  };

  const stateOf = async (dir: string) => JSON.parse(await readFile(join(dir, 'recording.json'), 'utf8')) as { upload?: string; assets: RecordingAsset[] };

  beforeAll(async () => {
    Object.assign(process.env, CREDENTIALS);
    root = await mkdtemp(join(tmpdir(), 'recordings-s3-'));
    s3 = new S3rver({ address: '127.0.0.1', port: 0, directory: join(root, 's3'), silent: true, configureBuckets: [{ name: BUCKET }] });
    s3Port = (await s3.run()).port;
    s3.on('event', (event) => order.push(`put:${event.Records[0]!.s3.object.key}`));
    client = new S3Client({
      endpoint: `http://127.0.0.1:${s3Port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: CREDENTIALS.AWS_ACCESS_KEY_ID, secretAccessKey: CREDENTIALS.AWS_SECRET_ACCESS_KEY },
    });
  });

  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close();
  });

  afterAll(async () => {
    client?.destroy();
    await s3?.close();
    await rm(root, { recursive: true, force: true });
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('uploads every file with its content type, lists the objects on the assets, then sends recording.ready', async () => {
    const server = await startServer(s3Env(s3Port, 'up'));
    const stream = await record(server, 'up');
    order.length = 0;
    const stopped = await stop(server, stream.id);
    const dir = join(root, 'up', stream.id);
    const expected = await localFiles(dir);
    const objects = await bucketObjects();
    expect([...objects.keys()].sort()).toEqual([...expected.keys()].map((f) => `${PREFIX}${stream.id}/${f}`).sort());
    for (const [file, size] of expected) {
      const key = `${PREFIX}${stream.id}/${file}`;
      expect(objects.get(key), key).toBe(size);
      const head = await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
      const type = file.endsWith('.m3u8') ? 'application/vnd.apple.mpegurl' : file.endsWith('.m4s') ? 'video/iso.segment' : 'video/mp4';
      expect(head.ContentType, key).toBe(type);
    }
    const byType = new Map(stopped.recording.assets.map((a) => [a.type, a]));
    const base = `http://127.0.0.1:${s3Port}/${BUCKET}/${PREFIX}${stream.id}`;
    expect(byType.get('hls_vod')?.storage).toEqual({ bucket: BUCKET, key: `${PREFIX}${stream.id}/master.m3u8`, url: `${base}/master.m3u8` });
    expect(byType.get('mp4')?.storage).toEqual({ bucket: BUCKET, key: `${PREFIX}${stream.id}/recording.mp4`, url: `${base}/recording.mp4` });
    expect(stopped.recording.assets.every((a) => a.storage_error === undefined)).toBe(true);
    // recording.ready came once, after the last object was written.
    expect(order.filter((o) => o === 'ready')).toHaveLength(1);
    expect(order.at(-1)).toBe('ready');
    expect(order.filter((o) => o.startsWith('put:'))).toHaveLength(expected.size);
    expect((await stateOf(dir)).upload).toBe('done');
    // The local copy stays (RECORDINGS_S3_DELETE_LOCAL is off) and is still served.
    expect((await fetch(`${server.url}/recordings/${stream.id}/recording.mp4`)).status).toBe(200);
  });

  it('with RECORDINGS_S3_DELETE_LOCAL, removes the local media once uploaded and lists the objects URLs', async () => {
    const server = await startServer({ ...s3Env(s3Port, 'moved'), RECORDINGS_S3_DELETE_LOCAL: 'true' });
    const stream = await record(server, 'moved');
    const stopped = await stop(server, stream.id);
    const base = `http://127.0.0.1:${s3Port}/${BUCKET}/${PREFIX}${stream.id}`;
    expect(stopped.recording.assets.map((a) => a.url).sort()).toEqual([`${base}/master.m3u8`, `${base}/recording.mp4`]);
    expect(await readdir(join(root, 'moved', stream.id))).toEqual(['recording.json']);
    const objects = await bucketObjects();
    for (const file of ['master.m3u8', 'recording.mp4', '360p/index.m3u8', '360p/init.mp4', '360p/seg0.m4s']) {
      expect(objects.has(`${PREFIX}${stream.id}/${file}`), file).toBe(true);
    }
    expect((await fetch(`${server.url}/recordings/${stream.id}/recording.mp4`)).status).toBe(404);
  });

  it('says the store refused the upload (unknown key) without the credentials or the SDK error in logs or responses', async () => {
    // s3rver does not verify SigV4 signatures, but refuses an access key it does not know (403).
    const keyId = 'AKIAROOMCASTUNKNOWN1';
    const secret = 'wrong-secret-d41d8cd98f00b204';
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: keyId, AWS_SECRET_ACCESS_KEY: secret });
    try {
      const server = await startServer(s3Env(s3Port, 'refused'));
      const stream = await record(server, 'refused');
      const stopped = await stop(server, stream.id);
      expect(stopped.recording.assets.map((a) => [a.type, a.storage, a.storage_error]).sort()).toEqual([
        ['hls_vod', undefined, 'the S3 storage refused the upload'],
        ['mp4', undefined, 'the S3 storage refused the upload'],
      ]);
      const listed = await (await server.api(`/v1/recordings/${stream.id}`)).text();
      const logs = server.logs.join('');
      expect(logs).toContain('HTTP 403');
      for (const text of [logs, listed, JSON.stringify(stopped)]) {
        expect(text).not.toContain(secret);
        expect(text).not.toContain(keyId);
      }
    } finally {
      Object.assign(process.env, CREDENTIALS);
    }
  });

  it('marks the assets with storage_error when the store cannot be reached, keeps the local files, and closes promptly', async () => {
    const server = await startServer(s3Env(await closedPort(), 'down'));
    const stream = await record(server, 'down');
    order.length = 0;
    const stopped = await stop(server, stream.id);
    expect(stopped.recording.assets.map((a) => [a.type, a.storage, a.storage_error]).sort()).toEqual([
      ['hls_vod', undefined, 'the S3 storage could not be reached'],
      ['mp4', undefined, 'the S3 storage could not be reached'],
    ]);
    expect(order).toEqual(['ready']);
    const dir = join(root, 'down', stream.id);
    expect((await localFiles(dir)).size).toBeGreaterThan(3);
    expect((await stateOf(dir)).upload).toBe('done');
    const closing = Date.now();
    await servers.pop()!.close();
    // A hang guard, not a speed target: bounded retries and no upload left running.
    expect(Date.now() - closing).toBeLessThan(10_000);
  });

  it('stops waiting for a stuck upload at shutdown and uploads it at the next start', async () => {
    const hole = await blackHole();
    try {
      const server = await startServer(s3Env(hole.port, 'stuck'));
      const stream = await record(server, 'stuck');
      order.length = 0;
      const closing = Date.now();
      await servers.pop()!.close(); // stops the live stream: finalize, then the upload hangs
      expect(Date.now() - closing).toBeLessThan(15_000);
      const dir = join(root, 'stuck', stream.id);
      const state = await stateOf(dir);
      expect([state.upload, state.assets.map((a) => a.storage ?? null)]).toEqual(['pending', [null, null]]);
      expect(order).toEqual([]); // not announced: its upload is not over

      const restarted = await startServer(s3Env(s3Port, 'stuck'));
      const uploaded = async () => (await stateOf(dir)).upload === 'done';
      expect(await waitFor(uploaded, 15_000)).toBe(true);
      const objects = await bucketObjects();
      for (const file of (await localFiles(dir)).keys()) expect(objects.has(`${PREFIX}${stream.id}/${file}`), file).toBe(true);
      expect((await stateOf(dir)).upload).toBe('done');
      const listed = ((await (await restarted.api(`/v1/recordings/${stream.id}`)).json()) as { assets: RecordingAsset[] }).assets;
      expect(listed.every((a) => a.storage?.bucket === BUCKET)).toBe(true);
      expect((await readdir(dir)).includes('recording.mp4')).toBe(true);
    } finally {
      await hole.close();
    }
  });
});

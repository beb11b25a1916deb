import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Uploader } from '@roomcast/egress';

/*
 * S3Uploader against s3rver (an S3 REST API on disk on loopback), which stands in for S3 because
 * no S3 or MinIO can run here: a file above the part size goes up in parts.
 */
describe('S3Uploader', () => {
  let root: string;
  let s3: S3rver;
  let port: number;
  const events: string[] = [];
  const savedEnv = { AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(async () => {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER' });
    root = await mkdtemp(join(tmpdir(), 's3-uploader-'));
    s3 = new S3rver({ address: '127.0.0.1', port: 0, directory: join(root, 's3'), silent: true, configureBuckets: [{ name: 'media' }] });
    port = (await s3.run()).port;
    s3.on('event', (event) => events.push(`${event.Records[0]!.eventName} ${event.Records[0]!.s3.object.key}`));
  });

  afterAll(async () => {
    await s3?.close();
    await rm(root, { recursive: true, force: true });
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it('uploads a large MP4 in parts, with its content type and size', async () => {
    const dir = join(root, 'rec');
    const size = 9 * 1024 * 1024 + 123; // above the 8 MiB part size: two parts
    await mkdir(dir);
    await writeFile(join(dir, 'recording.mp4'), randomBytes(size));
    const location = { bucket: 'media', prefix: 'p/', endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true };
    const uploader = new S3Uploader({ ...location, deleteLocal: false });
    const asset = { type: 'mp4' as const, url: '/recordings/rid/recording.mp4', duration_s: 3, size_bytes: size };
    const outcome = await uploader.upload(dir, 'rid', [], [asset]);
    uploader.close();
    expect(outcome).toEqual({
      status: 'done',
      assets: [{ ...asset, storage: { bucket: 'media', key: 'p/rid/recording.mp4', url: `http://127.0.0.1:${port}/media/p/rid/recording.mp4` } }],
    });
    // s3rver names a completed multipart upload `Post` (a single PUT would be `Put`).
    expect(events).toEqual(['ObjectCreated:Post p/rid/recording.mp4']);
    const client = new S3Client({ ...location, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    const head = await client.send(new HeadObjectCommand({ Bucket: 'media', Key: 'p/rid/recording.mp4' }));
    client.destroy();
    expect([head.ContentLength, head.ContentType]).toEqual([size, 'video/mp4']);
  });

  it('reports a missing file with its fixed phrase, without retrying for long', async () => {
    const uploader = new S3Uploader({ bucket: 'media', prefix: 'p/', endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', forcePathStyle: true, deleteLocal: false });
    const asset = { type: 'hls_vod' as const, url: '/recordings/gone/master.m3u8', duration_s: 3, size_bytes: 1 };
    const outcome = await uploader.upload(join(root, 'nothing-here'), 'gone', ['360p'], [asset]);
    uploader.close();
    expect(outcome).toEqual({ status: 'done', assets: [{ ...asset, storage_error: 'a file of the recording is missing' }] });
  });
});

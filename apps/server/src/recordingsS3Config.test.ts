import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('RECORDINGS_S3_* configuration', () => {
  it('uploads nothing without a bucket', () => {
    expect(loadConfig({}).egress.recordingsS3).toBeUndefined();
    expect(loadConfig({ RECORDINGS_S3_ENDPOINT: 'http://127.0.0.1:9000' }).egress.recordingsS3).toBeUndefined();
  });

  it('defaults to AWS in us-east-1 under recordings/, virtual-host style, keeping the local copy', () => {
    expect(loadConfig({ RECORDINGS_S3_BUCKET: 'media' }).egress.recordingsS3).toEqual({
      bucket: 'media',
      prefix: 'recordings/',
      endpoint: undefined,
      region: 'us-east-1',
      forcePathStyle: false,
      deleteLocal: false,
    });
  });

  it('takes an S3-compatible endpoint, region, prefix and flags', () => {
    const env = {
      RECORDINGS_S3_BUCKET: 'media',
      RECORDINGS_S3_PREFIX: 'vod/',
      RECORDINGS_S3_ENDPOINT: 'https://minio.example.com:9000/',
      RECORDINGS_S3_REGION: 'auto',
      RECORDINGS_S3_FORCE_PATH_STYLE: 'true',
      RECORDINGS_S3_DELETE_LOCAL: '1',
    };
    expect(loadConfig(env).egress.recordingsS3).toEqual({
      bucket: 'media',
      prefix: 'vod/',
      endpoint: 'https://minio.example.com:9000',
      region: 'auto',
      forcePathStyle: true,
      deleteLocal: true,
    });
  });

  it('refuses an endpoint that is not http(s) or that holds credentials, never echoing them', () => {
    expect(() => loadConfig({ RECORDINGS_S3_BUCKET: 'media', RECORDINGS_S3_ENDPOINT: 'ftp://store' })).toThrow(/RECORDINGS_S3_ENDPOINT/);
    const withSecret = { RECORDINGS_S3_BUCKET: 'media', RECORDINGS_S3_ENDPOINT: 'https://key:hunter2secret@minio.example.com' };
    expect(() => loadConfig(withSecret)).toThrow(/must not hold credentials/);
    expect(() => loadConfig(withSecret)).not.toThrow(/hunter2secret/);
  });
});

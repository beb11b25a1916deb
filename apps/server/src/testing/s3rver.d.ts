/** The part of s3rver (3.7, untyped) the recording upload tests use: an S3 REST API on disk. */
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    directory?: string;
    silent?: boolean;
    resetOnClose?: boolean;
    configureBuckets?: Array<{ name: string }>;
  }

  /** What s3rver emits on `event` for each object written (S3 event notification shape). */
  interface S3rverEvent {
    Records: Array<{ eventName: string; s3: { object: { key: string } } }>;
  }

  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
    on(event: 'event', listener: (event: S3rverEvent) => void): this;
  }
}

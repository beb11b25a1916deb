import { get as httpGet, type IncomingMessage } from 'node:http';
import { get as httpsGet } from 'node:https';
import type { LookupFunction } from 'node:net';
import { AppError } from '@roomcast/protocol';
import { sniffImageType } from '../../assets/imageMagic.js';
import type { DestinationPolicy } from '../../destinations/DestinationPolicy.js';

export const IMAGE_TYPES = { 'image/png': 'png_pipe', 'image/jpeg': 'jpeg_pipe', 'image/webp': 'webp_pipe' } as const;
export type ImageType = keyof typeof IMAGE_TYPES;

export interface FetchImageOptions {
  policy: DestinationPolicy;
  maxBytes?: number;
  timeoutMs?: number;
}

export const LOGO_MAX_BYTES = 2 * 1024 * 1024;
export const LOGO_TIMEOUT_MS = 5000;
const REFUSED = 'layout logo url must name a reachable host on the public internet';

/**
 * The address an image URL may be fetched from under the destination policy (SSRF): the policy
 * checks RTMP URLs, and the host rule is the same, so the host is checked as one. Undefined when
 * private destinations are allowed (the system resolver is used). A refused host is a 400.
 */
export async function imageAddress(url: string, policy: DestinationPolicy): Promise<string | undefined> {
  const { hostname, port } = new URL(url);
  try {
    return await policy.resolve(`rtmp://${hostname}${port ? `:${port}` : ''}/logo`);
  } catch {
    throw new AppError('bad_request', REFUSED);
  }
}

/**
 * Fetches one image (PNG, JPEG or WebP by its content type and its first bytes alike), no redirects, at most `maxBytes`
 * within `timeoutMs`; connects to the address the policy checked, so a second DNS answer cannot
 * point it elsewhere. Rejects with a reason fit for a log and a `failed` message (no URL in it).
 */
export async function fetchImage(url: string, options: FetchImageOptions): Promise<{ type: ImageType; data: Buffer }> {
  const address = await imageAddress(url, options.policy);
  const maxBytes = options.maxBytes ?? LOGO_MAX_BYTES;
  const signal = AbortSignal.timeout(options.timeoutMs ?? LOGO_TIMEOUT_MS);
  const lookup: LookupFunction | undefined = address
    ? (_host, opts, callback) => {
        const family = address.includes(':') ? 6 : 4;
        if ((opts as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
        else callback(null, address, family);
      }
    : undefined;
  const get = url.startsWith('https:') ? httpsGet : httpGet;
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => reject(new Error(`logo could not be fetched: ${reason}`));
    const request = get(url, { signal, lookup, headers: { accept: Object.keys(IMAGE_TYPES).join(', ') } }, (response: IncomingMessage) => {
      const type = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const length = Number(response.headers['content-length'] ?? 0);
      if (response.statusCode !== 200) return void (response.destroy(), fail(`HTTP ${response.statusCode}`));
      if (!(type in IMAGE_TYPES)) return void (response.destroy(), fail(`not a PNG, JPEG or WebP image (${type || 'no content type'})`));
      if (length > maxBytes) return void (response.destroy(), fail(`larger than ${maxBytes} bytes`));
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return void (response.destroy(), fail(`larger than ${maxBytes} bytes`));
        chunks.push(chunk);
      });
      response.on('error', (error) => fail(error.message));
      response.on('end', () => {
        const data = Buffer.concat(chunks);
        // The header alone is the sender's word: FFmpeg's demuxer gets only bytes that agree with it.
        if (sniffImageType(data) !== type) return fail(`the bytes are not a ${type} image`);
        resolve({ type: type as ImageType, data });
      });
    });
    request.on('error', (error) => fail(signal.aborted ? `no answer within ${options.timeoutMs ?? LOGO_TIMEOUT_MS} ms` : error.message));
  });
}

import { createServer, type Server, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DestinationPolicy } from '../../destinations/DestinationPolicy.js';
import { fetchImage } from './fetchImage.js';
import { decodeLogo } from './LogoOverlay.js';
import { renderBanner } from './BannerOverlay.js';
import { renderStill } from './renderStill.js';

/** A 16x8 PNG, half opaque red and half transparent, made by FFmpeg. */
const png = () =>
  renderStill([
    '-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'color=c=red@1.0:s=16x8,format=rgba,geq=r=255:g=0:b=0:a=if(lt(X\\,8)\\,255\\,0)',
    '-frames:v', '1', '-f', 'image2pipe', '-vcodec', 'png', 'pipe:1',
  ]);

describe('logo fetch and decode (loopback HTTP, real FFmpeg)', () => {
  let server: Server;
  let base = '';
  let image: Buffer;
  const held: ServerResponse[] = [];
  // Private addresses refused, loopback allowlisted: the fetch goes through the pinned-address path.
  const policy = new DestinationPolicy({ allowPrivate: false, allowlist: ['127.0.0.1'] });

  beforeAll(async () => {
    image = await png();
    server = createServer((request, response) => {
      if (request.url === '/logo.png') return void response.writeHead(200, { 'content-type': 'image/png' }).end(image);
      if (request.url === '/page') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      if (request.url === '/big') return void response.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(4096));
      if (request.url === '/moved') return void response.writeHead(302, { location: '/logo.png' }).end();
      if (request.url === '/garbage') return void response.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from('not a png at all'));
      held.push(response); // /slow: never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    for (const response of held) response.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('fetches an image and decodes it to yuva420p at its drawn width, alpha kept', async () => {
    const fetched = await fetchImage(`${base}/logo.png`, { policy });
    expect(fetched.type).toBe('image/png');
    const logo = await decodeLogo(fetched, 32);
    expect(logo).toMatchObject({ width: 32, height: 16 });
    const alpha = logo.data.subarray(32 * 16 * 1.5);
    expect(alpha[0]).toBe(255);
    expect(alpha[31]).toBe(0);
  });

  it.each([
    ['a page', '/page', /not a PNG, JPEG or WebP image \(text\/html\)/],
    ['a redirect', '/moved', /HTTP 302/],
    ['too many bytes', '/big', /larger than 1000 bytes/],
    ['no answer in time', '/slow', /no answer within 300 ms/],
  ])('refuses %s with a reason', async (_, path, reason) => {
    await expect(fetchImage(`${base}${path}`, { policy, maxBytes: 1000, timeoutMs: 300 })).rejects.toThrow(reason);
  });

  it('refuses a host the destination policy refuses, as a 400', async () => {
    const strict = new DestinationPolicy({ allowPrivate: false });
    await expect(fetchImage(`${base}/logo.png`, { policy: strict })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('refuses bytes that are not the image type the header claims, before FFmpeg sees them', async () => {
    await expect(fetchImage(`${base}/garbage`, { policy })).rejects.toThrow(/the bytes are not a image\/png image/);
  });

  it('refuses bytes FFmpeg cannot decode as the image type', async () => {
    // PNG magic bytes, then nothing a PNG decoder can read.
    const fetched = { type: 'image/png' as const, data: Buffer.concat([image.subarray(0, 8), Buffer.from('not a png at all')]) };
    await expect(decodeLogo(fetched, 32)).rejects.toThrow();
  });

  it('renders a banner strip of the canvas width in its colours', async () => {
    const banner = await renderBanner({ text: 'Hello', background: '#0000ff' }, 320, 180);
    expect(banner).toMatchObject({ width: 320, height: 18 });
    // Right end, away from the text: the background's BT.601 luma (blue: 41).
    expect(banner.data[319]).toBeGreaterThan(35);
    expect(banner.data[319]).toBeLessThan(47);
  });
});

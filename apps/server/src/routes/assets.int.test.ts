import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ASSET_MAX_BYTES, type AssetInfo, type EgressState } from '@roomcast/protocol';
import { WsClient } from '../testing/WsClient.js';
import { startTestServer, type TestServer } from '../testServer.js';

/** A real 2x2 PNG (red), as an image editor would write it. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==',
  'base64',
);
/** A port nothing listens on: the relay retries there; starting a composite is all these tests need. */
const destination = { name: 'a', stream_url: 'rtmp://127.0.0.1:9/live', stream_key: 'k' };
const withAsset = (asset: string) => ({ name: 'grid', options: { logo: { asset, position: 'bottom-left' } } });

describe('uploaded assets (POST/GET/DELETE /v1/assets) and logos as {asset}', () => {
  let server: TestServer;
  let assetsDir = '';
  const upload = async (body: Buffer | string, contentType: string, authorization?: string): Promise<Response> =>
    fetch(`${server.url}/v1/assets`, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: authorization ?? `Bearer ${await server.adminToken()}` },
      body,
    });
  const errorCode = async (response: Response): Promise<string> => ((await response.json()) as { error: { code: string } }).error.code;
  const joined = async (room: string, identity: string, role: 'participant' | 'moderator') => {
    const client = await WsClient.open(`${server.url.replace('http', 'ws')}/ws?token=${encodeURIComponent(await server.participantToken(room, identity, role))}`);
    const caps = await client.request('getRouterRtpCapabilities');
    expect((await client.request('join', { rtpCapabilities: (caps.data as { rtpCapabilities: unknown }).rtpCapabilities })).ok).toBe(true);
    return client;
  };

  beforeAll(async () => {
    server = await startTestServer();
    assetsDir = server.egress.options.assets!.options.dir;
    await server.api('/v1/rooms', { method: 'POST', body: { name: 'brand' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('stores a PNG (201), serves it back, and a broadcast starts with it as its logo', async () => {
    const response = await upload(PNG, 'image/png');
    expect(response.status).toBe(201);
    const { asset } = (await response.json()) as { asset: AssetInfo };
    expect(asset).toMatchObject({ content_type: 'image/png', size: PNG.length, url: `/v1/assets/${asset.id}` });
    expect(asset.id).toMatch(/^as_[A-Za-z0-9_-]{22}$/);
    expect(Date.parse(asset.created_at)).not.toBeNaN();
    // Beside the recordings by default (ASSETS_DIR), named by its random id only.
    expect(existsSync(join(assetsDir, `${asset.id}.png`))).toBe(true);

    const got = await server.api(asset.url);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await got.arrayBuffer()).equals(PNG)).toBe(true);

    const start = await server.api('/v1/rooms/brand/rtmp_broadcasts', { method: 'POST', body: { quality: '360p', layout: withAsset(asset.id), broadcasts: [destination] } });
    expect(start.status).toBe(201);
    expect(((await start.json()) as { egress: EgressState }).egress.layout).toEqual(withAsset(asset.id));
    expect(server.egress.composites.get('brand')?.layout).toEqual(withAsset(asset.id));
    // Changing it live to another uploaded logo is accepted too.
    const second = ((await (await upload(PNG, 'image/png')).json()) as { asset: AssetInfo }).asset;
    const put = await server.api('/v1/rooms/brand/egress/layout', { method: 'PUT', body: { layout: withAsset(second.id) } });
    expect(put.status).toBe(200);
    expect((await server.api('/v1/rooms/brand/rtmp_broadcasts/stop', { method: 'POST' })).status).toBe(200);
  });

  it('refuses what is not a PNG, JPEG or WebP by its bytes (415), and more than 2 MB (413), storing nothing', async () => {
    const before = readdirSync(assetsDir).length;
    const gif = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');
    for (const [body, type] of [[gif, 'image/png'], [PNG, 'image/jpeg'], [PNG, 'image/gif'], [Buffer.from('<svg/>'), 'image/svg+xml'], [PNG, 'application/octet-stream'], ['{"a":1}', 'application/json']] as const) {
      const response = await upload(body, type);
      expect(response.status, type).toBe(415);
      expect(await errorCode(response)).toBe('unsupported_media');
    }
    const large = Buffer.concat([PNG, Buffer.alloc(ASSET_MAX_BYTES + 1 - PNG.length)]);
    const tooLarge = await upload(large, 'image/png');
    expect(tooLarge.status).toBe(413);
    expect(await errorCode(tooLarge)).toBe('payload_too_large');
    expect((await upload(large.subarray(0, ASSET_MAX_BYTES), 'image/png')).status).toBe(201);
    expect(readdirSync(assetsDir).length).toBe(before + 1);
  });

  it('refuses an unknown asset in a layout with a 400 at request time, and starts nothing', async () => {
    const unknown = withAsset('as_AAAAAAAAAAAAAAAAAAAAAA');
    const start = await server.api('/v1/rooms/brand/rtmp_broadcasts', { method: 'POST', body: { quality: '360p', layout: unknown, broadcasts: [destination] } });
    expect(start.status).toBe(400);
    expect(await errorCode(start)).toBe('bad_request');
    const live = await server.api('/v1/rooms/brand/live_streams', { method: 'POST', body: { quality: '360p', layout: unknown } });
    expect(live.status).toBe(400);
    expect(server.egress.composites.size).toBe(0);
    expect(((await (await server.api('/v1/rooms/brand')).json()) as { room: { egress: EgressState } }).room.egress.broadcasting).toBe(false);
    // Both a url and an asset, or a path for an id: the schema's 400.
    const both = { name: 'grid', options: { logo: { asset: 'as_AAAAAAAAAAAAAAAAAAAAAA', url: 'https://cdn.example.com/l.png' } } };
    expect((await server.api('/v1/rooms/brand/rtmp_broadcasts', { method: 'POST', body: { layout: both, broadcasts: [destination] } })).status).toBe(400);
  });

  it('deletes an asset (204), after which it is 404 and a layout naming it is refused', async () => {
    const { asset } = (await (await upload(PNG, 'image/png')).json()) as { asset: AssetInfo };
    expect((await server.api(asset.url, { method: 'DELETE' })).status).toBe(204);
    expect(existsSync(join(assetsDir, `${asset.id}.png`))).toBe(false);
    expect(await errorCode(await server.api(asset.url))).toBe('not_found');
    expect((await server.api(asset.url, { method: 'DELETE' })).status).toBe(404);
    expect((await server.api('/v1/assets/not-an-id')).status).toBe(400);
    const start = await server.api('/v1/rooms/brand/rtmp_broadcasts', { method: 'POST', body: { quality: '360p', layout: withAsset(asset.id), broadcasts: [destination] } });
    expect(start.status).toBe(400);
    expect(server.egress.composites.size).toBe(0);
  });

  it('needs a management token, or a single-use upload ticket that only moderators get from signaling', async () => {
    expect(await errorCode(await upload(PNG, 'image/png', ''))).toBe('unauthorized');
    const { token: participantJwt } = await server.auth.mintParticipant('brand', { identity: 'x', role: 'moderator' });
    expect((await upload(PNG, 'image/png', `Bearer ${participantJwt}`)).status).toBe(403);
    const plain = await joined('brand', 'pat', 'participant');
    const moderator = await joined('brand', 'mo', 'moderator');
    try {
      expect(await plain.request('createLogoUpload', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const reply = await moderator.request('createLogoUpload', {});
      const ticket = (reply.data as { upload: { url: string; token: string; max_bytes: number } }).upload;
      expect(ticket).toMatchObject({ url: '/v1/assets', max_bytes: ASSET_MAX_BYTES });
      // A forged signature fails; the real one works once.
      expect((await upload(PNG, 'image/png', `Bearer ${ticket.token.slice(0, -2)}xx`)).status).toBe(401);
      const used = await upload(PNG, 'image/png', `Bearer ${ticket.token}`);
      expect(used.status).toBe(201);
      const { asset } = (await used.json()) as { asset: AssetInfo };
      expect(await errorCode(await upload(PNG, 'image/png', `Bearer ${ticket.token}`))).toBe('invalid_token');
      // A ticket is no key to read or delete.
      const next = ((await moderator.request('createLogoUpload', {})).data as { upload: { token: string } }).upload;
      const read = await fetch(`${server.url}${asset.url}`, { headers: { authorization: `Bearer ${next.token}` } });
      expect(read.status).toBe(403);
    } finally {
      plain.socket.close();
      moderator.socket.close();
    }
  });
});

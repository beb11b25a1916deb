import { afterEach, describe, expect, it, vi } from 'vitest';
import { Room } from './Room.js';
import { RoomcastError } from './errors.js';
// Fake signaling and a stubbed fetch: this package is typed for browsers (no node:http); the real
// route is exercised end to end by apps/server's assets.int.test.ts and the layout-options e2e.
import { createFakeDevice, FakeSignalServer } from './testing/FakeSignalServer.js';

const ASSET = { id: 'as_AAAAAAAAAAAAAAAAAAAAAA', content_type: 'image/png', size: 8, created_at: new Date(0).toISOString(), url: '/v1/assets/as_AAAAAAAAAAAAAAAAAAAAAA' };
const PNG_MAGIC = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Sent {
  url: string;
  method?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** Answers every request with `status` and `body`, recording what was sent. */
function stubFetch(status: number, body: unknown): Sent[] {
  const sent: Sent[] = [];
  vi.stubGlobal('fetch', async (url: URL, init: RequestInit) => {
    sent.push({ url: String(url), method: init.method, headers: init.headers as Record<string, string>, body: new Uint8Array(await (init.body as Blob).arrayBuffer()) });
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  });
  return sent;
}

async function joined(): Promise<Room> {
  const server = new FakeSignalServer();
  server.answer = (r) => (r.method === 'createLogoUpload' ? { upload: { url: '/v1/assets', token: 'rcupload_t.s', expires_at: new Date(Date.now() + 60_000).toISOString(), max_bytes: 16 } } : undefined);
  return Room.join({ url: 'http://server:3000', token: 'tok', signaling: { createWebSocket: server.createWebSocket, requestTimeoutMs: 1000 }, createDevice: createFakeDevice });
}

describe('Room.uploadLogo: a ticket from signaling, then the bytes over HTTP', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('POSTs the image to the server with the ticket and its type, and returns the asset', async () => {
    const room = await joined();
    try {
      const sent = stubFetch(201, { asset: ASSET });
      expect(await room.uploadLogo(new Blob([PNG_MAGIC], { type: 'image/png' }))).toEqual(ASSET);
      expect(sent).toMatchObject([{ url: 'http://server:3000/v1/assets', method: 'POST', headers: { authorization: 'Bearer rcupload_t.s', 'content-type': 'image/png' } }]);
      expect([...sent[0]!.body]).toEqual([...PNG_MAGIC]);
    } finally {
      await room.leave();
    }
  });

  it("keeps the server's error code, and refuses a file over the ticket's limit without sending it", async () => {
    const room = await joined();
    try {
      stubFetch(415, { error: { code: 'unsupported_media', message: 'the body is not a image/png image' } });
      await expect(room.uploadLogo(new Blob([PNG_MAGIC], { type: 'image/png' }))).rejects.toMatchObject({ code: 'unsupported_media' });
      const sent = stubFetch(201, { asset: ASSET });
      const tooLarge = room.uploadLogo(new Blob([new Uint8Array(17)], { type: 'image/png' }));
      await expect(tooLarge).rejects.toBeInstanceOf(RoomcastError);
      await expect(tooLarge).rejects.toMatchObject({ code: 'payload_too_large' });
      expect(sent).toEqual([]);
    } finally {
      await room.leave();
    }
  });
});

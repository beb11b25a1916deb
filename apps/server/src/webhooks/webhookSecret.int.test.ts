import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../testServer.js';
import { signWebhook } from './WebhookSender.js';

interface Received {
  event: WebhookEvent;
  raw: string;
  signature: string;
}

/** A loopback receiver that records each webhook with its raw body and signature header. */
async function startReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
    request.on('end', () => {
      received.push({ event: JSON.parse(raw) as WebhookEvent, raw, signature: String(request.headers['roomcast-signature']) });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/hooks`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Whether `secret` made this signature, as a receiver checks it. */
const signedWith = (hook: Received, secret: string): boolean => {
  const t = Number(/^t=(\d+),/.exec(hook.signature)?.[1]);
  return hook.signature === signWebhook(secret, hook.raw, t);
};

describe('webhook signatures never use the API secret', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: TestServer;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await server?.close();
    await receiver.close();
  });

  it('dev mode signs with HMAC(devsecret, "roomcast-webhooks"); room.ended says why an empty room closed', async () => {
    server = await startTestServer({ WEBHOOK_URLS: receiver.url, ROOM_EMPTY_TIMEOUT_S: '1' });
    expect((await server.api('/v1/rooms', { method: 'POST', body: { name: 'hooked' } })).status).toBe(201);
    await expect.poll(() => receiver.received.find((h) => h.event.type === 'room.ended'), { timeout: 5000 }).toBeDefined();
    const derived = createHmac('sha256', 'devsecret').update('roomcast-webhooks').digest('hex');
    expect(receiver.received.map((h) => h.event.type).sort()).toEqual(['room.ended', 'room.started']);
    for (const hook of receiver.received) {
      expect(signedWith(hook, derived)).toBe(true);
      expect(signedWith(hook, 'devsecret')).toBe(false);
    }
    expect(receiver.received.find((h) => h.event.type === 'room.ended')!.event.data).toEqual({ room: 'hooked', reason: 'empty' });
  });
});

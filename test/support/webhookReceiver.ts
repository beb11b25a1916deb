import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { WebhookEvent } from '@roomcast/protocol';

export interface ReceivedWebhook {
  event: WebhookEvent;
  signatureValid: boolean;
  raw: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

/** A loopback HTTP endpoint that records webhooks and checks their signature as a receiver would. */
export async function startWebhookReceiver(secret: string): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (raw += chunk));
    request.on('end', () => {
      const header = String(request.headers['roomcast-signature'] ?? '');
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header) ?? [];
      const expected = createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex');
      const signatureValid = !!v1 && timingSafeEqual(Buffer.from(v1), Buffer.from(expected));
      received.push({ event: JSON.parse(raw) as WebhookEvent, signatureValid, raw });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '@roomcast/media-stream-client';
import { AppError, SIGNATURE_HEADER, type WebhookEvent } from '@roomcast/protocol';

const MAX_BODY_BYTES = 256 * 1024;
/** Webhooks come at least once: the last ids seen are remembered to drop repeats. */
const REMEMBERED_IDS = 1000;

export interface WebhookServerOptions {
  host: string;
  port: number;
  secret: string;
  onEvent: (event: WebhookEvent) => void;
}

/** `POST /webhook`: verifies the signature, answers 204, then hands the event on (once per id). */
export async function startWebhookServer(options: WebhookServerOptions): Promise<{ server: Server; url: string }> {
  const seen = new Set<string>();
  const server = createServer((request, response) => {
    handle(request, response, options, seen).catch((error: unknown) => {
      const known = error instanceof AppError;
      reply(response, known ? error.status : 500, known ? error.code : 'internal', known ? error.message : 'internal error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://${options.host}:${port}/webhook` };
}

async function handle(request: IncomingMessage, response: ServerResponse, options: WebhookServerOptions, seen: Set<string>): Promise<void> {
  if (request.method !== 'POST' || request.url !== '/webhook') throw new AppError('not_found', 'POST /webhook only');
  const body = await readBody(request);
  const event = verifyWebhook(body, request.headers[SIGNATURE_HEADER.toLowerCase()] as string | undefined, options.secret);
  response.writeHead(204).end();
  if (seen.has(event.id)) return;
  seen.add(event.id);
  if (seen.size > REMEMBERED_IDS) seen.delete(seen.values().next().value as string);
  options.onEvent(event);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new AppError('payload_too_large', 'webhook body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(response: ServerResponse, status: number, code: string, message: string): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code, message } }));
}

// @ts-check
// A backend for a Roomcast app: mints participant tokens for your signed-in users and receives
// the server's webhooks. Plain node:http, so nothing but the SDK is needed.
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { AccessToken, WebhookReceiver, WebhookVerificationError } from '@roomcast/server-sdk';

const port = Number(process.env.PORT ?? 4000);
// localhost by default: behind a reverse proxy or in a container, set HOST=0.0.0.0.
const host = process.env.HOST ?? 'localhost';
const apiKey = process.env.ROOMCAST_API_KEY ?? 'devkey';
const apiSecret = process.env.ROOMCAST_API_SECRET ?? 'devsecret';
// The server's WEBHOOK_SECRET: start the server with the same value (and WEBHOOK_URLS pointing here).
const webhookSecret = process.env.WEBHOOK_SECRET;
if (!webhookSecret) {
  console.error('set WEBHOOK_SECRET to the Roomcast server\'s WEBHOOK_SECRET');
  process.exit(1);
}
// The page that calls POST /token from the browser (examples/browser-app's Vite server by default).
const allowedOrigin = process.env.ALLOWED_ORIGIN ?? 'http://localhost:5173';
const MAX_BODY_BYTES = 1024 * 1024;

const tokens = new AccessToken({ apiKey, apiSecret });
const webhooks = new WebhookReceiver(webhookSecret);
// Delivery is at least once: remember recent event ids and skip repeats.
const seen = new Set();

const server = createServer((request, response) => {
  response.setHeader('access-control-allow-origin', allowedOrigin);
  response.setHeader('access-control-allow-headers', 'content-type');
  handle(request, response).catch((error) => {
    console.error('request failed:', error instanceof Error ? error.message : error);
    if (!response.headersSent) send(response, 500, { error: { code: 'internal', message: 'internal error' } });
  });
});

/** @param {import('node:http').IncomingMessage} request @param {import('node:http').ServerResponse} response */
async function handle(request, response) {
  if (request.method === 'OPTIONS') return void response.writeHead(204).end();
  if (request.method === 'POST' && request.url === '/token') return mintToken(request, response);
  if (request.method === 'POST' && request.url === '/webhooks') return receiveWebhook(request, response);
  send(response, 404, { error: { code: 'not_found', message: 'not found' } });
}

/**
 * `POST /token {room, identity, name?}` → `{token}`. In your product, take the identity from your
 * own session and decide the role there: never trust the browser to choose `moderator`.
 * @param {import('node:http').IncomingMessage} request @param {import('node:http').ServerResponse} response
 */
async function mintToken(request, response) {
  let body;
  try {
    body = JSON.parse((await readBody(request)).toString('utf8'));
  } catch {
    return send(response, 400, { error: { code: 'bad_request', message: 'body must be JSON' } });
  }
  try {
    const grant = tokens.forParticipant({ room: body.room, identity: body.identity, name: body.name, role: 'participant', ttlSeconds: 3600 });
    send(response, 200, { token: await grant.toJwt() });
  } catch (error) {
    // AccessToken says which field is wrong (room name, identity…).
    send(response, 400, { error: { code: 'bad_request', message: error instanceof Error ? error.message : 'invalid request' } });
  }
}

/** @param {import('node:http').IncomingMessage} request @param {import('node:http').ServerResponse} response */
async function receiveWebhook(request, response) {
  // The raw bytes, exactly as sent: the signature covers them, not a re-serialized object.
  const raw = await readBody(request);
  let event;
  try {
    event = webhooks.receive(raw, request.headers[WebhookReceiver.header]);
  } catch (error) {
    if (!(error instanceof WebhookVerificationError)) throw error;
    // `reason` says why (signature_missing|invalid|expired, malformed_body) without echoing the header.
    console.warn(`webhook rejected: ${error.reason}`);
    return send(response, error.code === 'unauthorized' ? 401 : 400, { error: { code: error.code, message: 'webhook rejected' } });
  }
  if (!seen.has(event.id)) {
    seen.add(event.id);
    if (seen.size > 10_000) seen.delete(seen.values().next().value);
    console.log(`webhook ${event.type} room=${event.room_id} id=${event.id}`, JSON.stringify(event.data));
  }
  response.writeHead(204).end();
}

/** @param {import('node:http').IncomingMessage} request @returns {Promise<Buffer>} */
async function readBody(request) {
  const chunks = [];
  let size = 0;
  for await (const chunk of request) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** @param {import('node:http').ServerResponse} response @param {number} status @param {unknown} body */
function send(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

server.listen(port, host, () => console.log(`backend on http://${host}:${port} (POST /token, POST /webhooks)`));

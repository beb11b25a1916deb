// Copied into a project that npm-installed the packed tarballs, and run there: the server SDK
// against a real server. Prints one JSON line of what it saw; the test asserts on it.
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { AccessToken, RoomcastApiError, RoomcastClient, WebhookReceiver, WebhookVerificationError } from '@roomcast/server-sdk';

const { ROOMCAST_URL: url, ROOMCAST_API_KEY: apiKey, ROOMCAST_API_SECRET: apiSecret, WEBHOOK_SECRET, WEBHOOK_PORT, ROOM: room } = process.env;

// The server posts its webhooks here (its WEBHOOK_URLS points at this port).
const deliveries = [];
const hooks = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    deliveries.push({ raw: Buffer.concat(chunks), header: request.headers[WebhookReceiver.header] });
    response.writeHead(204).end();
  });
});
await new Promise((resolve) => hooks.listen(Number(WEBHOOK_PORT), '127.0.0.1', resolve));

async function deliveryFor(type, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = deliveries.find((d) => {
      const body = JSON.parse(d.raw.toString('utf8'));
      return body.type === type && body.room_id === room;
    });
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no ${type} webhook for ${room} within ${timeoutMs} ms`);
}

function rejection(receive) {
  try {
    receive();
    return { rejected: false };
  } catch (error) {
    return { rejected: error instanceof WebhookVerificationError, reason: error.reason, code: error.code };
  }
}

try {
  const client = new RoomcastClient({ url, apiKey, apiSecret });
  const created = await client.rooms.create({ name: room });
  const token = await new AccessToken({ apiKey, apiSecret }).forParticipant({ room, identity: 'backend-user', role: 'participant' }).toJwt();
  const serverToken = await client.rooms.createToken(room, { identity: 'viewer-1', role: 'viewer' });
  const readBack = await client.rooms.get(room);
  const missing = await client.rooms.get(`${room}-missing`).then(
    () => ({ thrown: false }),
    (error) => ({ thrown: error instanceof RoomcastApiError, status: error.status, code: error.code }),
  );

  const receiver = new WebhookReceiver(WEBHOOK_SECRET);
  const delivery = await deliveryFor('room.started', 15_000);
  const event = receiver.receive(delivery.raw, delivery.header);
  // Same signature, one byte of meaning changed: the room id.
  const tamperedBody = Buffer.from(delivery.raw.toString('utf8').replace(`"room_id":"${room}"`, `"room_id":"${room}x"`));
  const tampered = rejection(() => receiver.receive(tamperedBody, delivery.header));
  const wrongSecret = rejection(() => new WebhookReceiver(`${WEBHOOK_SECRET}-other`).receive(delivery.raw, delivery.header));

  console.log(JSON.stringify({
    created: created.name,
    readBack: { name: readBack.name, participants: readBack.participants.length },
    tokenSegments: token.split('.').length,
    serverTokenSegments: serverToken.token.split('.').length,
    missing,
    event: { type: event.type, room_id: event.room_id, id: event.id },
    tamperedDiffers: !tamperedBody.equals(delivery.raw),
    tampered,
    wrongSecret,
  }));
} finally {
  hooks.close();
}

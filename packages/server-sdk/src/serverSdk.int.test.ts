import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '@roomcast/protocol';
import { startTestServer, type TestServer } from '../../../apps/server/src/testServer.js';
import { WsClient } from '../../../apps/server/src/testing/WsClient.js';
import { AccessToken, RoomcastApiError, RoomcastClient, WebhookReceiver } from './index.js';

const exec = promisify(execFile);
const API_KEY = 'sdk-int-key';
const API_SECRET = 'sdk-int-api-secret-0123';
const WEBHOOK_SECRET = 'sdk-int-webhook-secret-0123';
const packageDir = fileURLToPath(new URL('..', import.meta.url));

interface Delivery {
  raw: string;
  signature: string | undefined;
  /** What WebhookReceiver made of it as it arrived: the event, or the refusal's reason. */
  verdict: WebhookEvent | { refused: string };
}

/** A loopback webhook endpoint that verifies with the SDK as a user's backend would, and answers 204 or 401. */
async function startReceiver(): Promise<{ url: string; deliveries: Delivery[]; close(): Promise<void> }> {
  const receiver = new WebhookReceiver(WEBHOOK_SECRET);
  const deliveries: Delivery[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const signature = request.headers[WebhookReceiver.header] as string | undefined;
      try {
        deliveries.push({ raw, signature, verdict: receiver.receive(raw, signature) });
        response.writeHead(204).end();
      } catch (error) {
        deliveries.push({ raw, signature, verdict: { refused: (error as { reason: string }).reason } });
        response.writeHead(401).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/hooks`, deliveries, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The built CLI as a user runs it: a separate node process, configured by environment. */
async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['dist/cli/index.js', ...args], { cwd: packageDir, env: { PATH: process.env.PATH ?? '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('@roomcast/server-sdk against a real server', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: TestServer;
  let client: RoomcastClient;
  let env: Record<string, string>;
  const sockets: WsClient[] = [];

  beforeAll(async () => {
    // The CLI test runs dist/: build it from the sources under test.
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    await exec(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: packageDir });
    receiver = await startReceiver();
    server = await startTestServer({
      ROOMCAST_API_KEY: API_KEY,
      ROOMCAST_API_SECRET: API_SECRET,
      WEBHOOK_URLS: receiver.url,
      WEBHOOK_SECRET,
    });
    client = new RoomcastClient({ url: server.url, apiKey: API_KEY, apiSecret: API_SECRET });
    env = { ROOMCAST_URL: server.url, ROOMCAST_API_KEY: API_KEY, ROOMCAST_API_SECRET: API_SECRET };
  }, 120_000);

  afterAll(async () => {
    for (const socket of sockets) socket.socket.terminate();
    await server?.close();
    await receiver?.close();
  });

  it('creates a room, mints a participant token the server accepts, and reads the room back with the participant', async () => {
    const created = await client.rooms.create({ name: 'sdk-room' });
    expect(created).toMatchObject({ name: 'sdk-room', participants: [] });

    const token = await new AccessToken({ apiKey: API_KEY, apiSecret: API_SECRET })
      .forParticipant({ room: 'sdk-room', identity: 'alice', name: 'Alice', role: 'moderator' })
      .toJwt();
    const ws = await WsClient.open(`${server.url.replace('http', 'ws')}/ws?token=${token}`);
    sockets.push(ws);
    const caps = await ws.request('getRouterRtpCapabilities');
    expect(caps).toMatchObject({ ok: true });
    expect(await ws.request('join', { rtpCapabilities: (caps.data as { rtpCapabilities: unknown }).rtpCapabilities })).toMatchObject({ ok: true });

    const room = await client.rooms.get('sdk-room');
    expect(room.participants).toEqual([expect.objectContaining({ identity: 'alice', name: 'Alice', role: 'moderator' })]);
    expect((await client.rooms.list()).map((r) => r.name)).toContain('sdk-room');
  });

  it('a token signed with another secret is refused by the server', async () => {
    const forged = await new AccessToken({ apiKey: API_KEY, apiSecret: 'not-the-secret' }).forParticipant({ room: 'sdk-room', identity: 'mallory', role: 'participant' }).toJwt();
    // The upgrade itself is refused.
    await expect(WsClient.open(`${server.url.replace('http', 'ws')}/ws?token=${forged}`)).rejects.toThrow(/401/);
    const forgedAdmin = new RoomcastClient({ url: server.url, apiKey: API_KEY, apiSecret: 'not-the-secret' });
    await expect(forgedAdmin.rooms.list()).rejects.toMatchObject({ status: 401, code: 'invalid_token' });
  });

  it('receives real webhooks, verifies them with WebhookReceiver, and rejects a tampered one', async () => {
    await expect.poll(() => receiver.deliveries.find((d) => 'type' in d.verdict && d.verdict.type === 'participant.joined'), { timeout: 10_000 }).toBeDefined();
    const joined = receiver.deliveries.find((d) => 'type' in d.verdict && d.verdict.type === 'participant.joined')!;
    expect(joined.verdict).toMatchObject({ type: 'participant.joined', room_id: 'sdk-room' });
    // Every delivery the server signed was accepted as it arrived.
    expect(receiver.deliveries.filter((d) => 'refused' in d.verdict)).toEqual([]);
    expect(receiver.deliveries.map((d) => (d.verdict as WebhookEvent).type)).toContain('room.started');

    const verifier = new WebhookReceiver(WEBHOOK_SECRET);
    const tampered = joined.raw.replace('"sdk-room"', '"other-room"');
    expect(tampered).not.toBe(joined.raw);
    expect(() => verifier.receive(tampered, joined.signature)).toThrow(expect.objectContaining({ reason: 'signature_invalid' }));
    expect(() => new WebhookReceiver('wrong-secret-0123456').receive(joined.raw, joined.signature)).toThrow(expect.objectContaining({ code: 'unauthorized' }));
  });

  it('maps API errors to RoomcastApiError with the server code', async () => {
    const error = await client.rooms.get('no-such-room').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RoomcastApiError);
    expect(error).toMatchObject({ status: 404, code: 'room_not_found' });
    await expect(client.rooms.create({ name: 'bad name!' })).rejects.toMatchObject({ status: 400 });
  });

  it('the built CLI lists rooms as JSON and exits with the documented codes', async () => {
    const listed = await cli(['rooms', 'list', '--json'], env);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as { rooms: Array<{ name: string }> }).rooms.map((r) => r.name)).toContain('sdk-room');

    const table = await cli(['rooms', 'get', 'sdk-room'], env);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^name:\s+sdk-room$/m);
    expect(table.stdout).toMatch(/^alice\s+Alice\s+moderator/m);

    const missing = await cli(['rooms', 'get', 'no-such-room'], env);
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain('HTTP 404 room_not_found');

    expect((await cli(['rooms', 'list'], {})).code).toBe(4);
    expect((await cli(['rooms', 'lst'], env)).code).toBe(1);
    expect((await cli(['rooms', 'list'], { ...env, ROOMCAST_URL: 'http://127.0.0.1:1' })).code).toBe(3);

    const created = await cli(['rooms', 'create', '--name', 'cli-room', '--json'], env);
    expect(created.code).toBe(0);
    expect((await client.rooms.get('cli-room')).name).toBe('cli-room');
    expect((await cli(['rooms', 'delete', 'cli-room'], env)).code).toBe(0);
    await expect(client.rooms.get('cli-room')).rejects.toMatchObject({ status: 404 });

    for (const run of [listed, table, missing, created]) expect(run.stdout + run.stderr).not.toContain(API_SECRET);
  });
});

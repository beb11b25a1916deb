import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from './testServer.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});

it('replaces a killed mediasoup worker, closes its rooms with a notice, and keeps serving', async () => {
  const token = await server.participantToken('doomed', 'ivy');
  const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws?token=${token}`);
  const messages: Array<{ method?: string; data?: { reason?: string } }> = [];
  socket.on('message', (raw) => messages.push(JSON.parse(raw.toString())));
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise((resolve) => socket.once('open', resolve));

  const [worker] = server.sfu.pool.workers;
  process.kill(worker!.pid, 'SIGKILL');

  expect(await closed).toBe(4001);
  expect(messages.find((m) => m.method === 'roomClosed')?.data?.reason).toBe('worker_died');
  expect(server.sfu.rooms.has('doomed')).toBe(false);
  await expect.poll(() => server.sfu.pool.restarts, { timeout: 10_000 }).toBe(1);
  expect(server.sfu.pool.workers[0]!.pid).not.toBe(worker!.pid);

  const health = await server.api('/healthz', { auth: false });
  expect(await health.json()).toEqual({ status: 'ok', workers: 1, role: 'all', cluster: 'off' });
  const created = await server.api('/v1/rooms', { method: 'POST', body: { name: 'after-crash' } });
  expect(created.status).toBe(201);
  const metrics = await (await server.api('/metrics', { auth: false })).text();
  expect(metrics).toMatch(/^roomcast_mediasoup_worker_restarts 1$/m);
});

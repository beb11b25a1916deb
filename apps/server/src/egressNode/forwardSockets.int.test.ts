import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import type { EgressCommands } from '@roomcast/egress';
import { type EgressForwarding, type EgressTarget, forwardToEgress } from './forwardToEgress.js';

/**
 * An app's RTMS socket passed to the egress that serves its stream (issue 13): a real WebSocket
 * server stands in for the egress (what it is asked and what it receives is all that is checked).
 */
describe("an app's RTMS socket forwarded to its egress", () => {
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  /** A stand-in egress: records every message it gets, in order. */
  async function fakeEgress(): Promise<{ base: string; received: string[] }> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const received: string[] = [];
    server.on('connection', (socket) => socket.on('message', (data) => received.push(data.toString())));
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const address = server.address() as { port: number };
    return { base: `http://127.0.0.1:${address.port}`, received };
  }

  /** The SFU's side, its egress found after `delayMs` (one restarting, or being looked up). */
  async function sfuSide(base: string, options: { several: boolean; delayMs: number }): Promise<{ url: string; asked: EgressTarget[] }> {
    const asked: EgressTarget[] = [];
    const forwarding: EgressForwarding = {
      upstreamFor: async (target) => {
        asked.push(target);
        await new Promise((resolve) => setTimeout(resolve, options.delayMs));
        return base;
      },
      ...(options.several ? { everyUpstream: () => [base, base] } : {}),
      commands: {} as EgressCommands,
      metrics: async () => '',
    };
    const app: FastifyInstance = Fastify();
    await app.register(fastifyWebsocket);
    await app.register(forwardToEgress(forwarding));
    await app.listen({ host: '127.0.0.1', port: 0 });
    closers.push(() => app.close());
    const address = app.server.address() as { port: number };
    return { url: `ws://127.0.0.1:${address.port}/rtms/signaling`, asked };
  }

  async function appSends(url: string, messages: string[]): Promise<WebSocket> {
    const socket = new WebSocket(url);
    await new Promise((resolve) => socket.once('open', resolve));
    for (const message of messages) socket.send(message);
    closers.push(async () => socket.close());
    return socket;
  }

  const handshake = JSON.stringify({ msg_type: 1, room_id: 'show', stream_id: 'stream-1', signature: 'x' });

  it('with several egresses, the handshake names the stream that picks one; nothing the app sent meanwhile is lost or reordered', async () => {
    const egress = await fakeEgress();
    const sfu = await sfuSide(egress.base, { several: true, delayMs: 100 });
    await appSends(sfu.url, [handshake, 'second', 'third']);
    await expect.poll(() => egress.received).toEqual([handshake, 'second', 'third']);
    expect(sfu.asked).toEqual([{ id: 'stream-1' }]);
  });

  it('with one egress that is (re)starting, what the app sends while it waits reaches it first, in order', async () => {
    const egress = await fakeEgress();
    const sfu = await sfuSide(egress.base, { several: false, delayMs: 300 });
    await appSends(sfu.url, [handshake, 'second']);
    await expect.poll(() => egress.received).toEqual([handshake, 'second']);
    expect(sfu.asked).toEqual([{}]);
  });
});

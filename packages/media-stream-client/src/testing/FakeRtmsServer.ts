import { createHmac } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/*
 * A loopback stand-in for Roomcast's /rtms/signaling and /rtms/media sockets, for this package's
 * unit tests only. It speaks the wire contract of packages/protocol/src/mediaStreams.ts as far as
 * the client needs it; the real server's sockets are tested end to end against this client.
 */

export type FakeSocketName = 'signaling' | 'media';

export interface Received {
  socket: FakeSocketName;
  message: Record<string, unknown> & { msg_type: number };
}

export interface FakeRtmsServerOptions {
  clientId: string;
  clientSecret: string;
  /** Overrides the status of the next handshakes (0 = OK, the default). */
  signalingStatus?: number;
  mediaStatus?: number;
  mediaParams?: Record<string, unknown>;
}

export class FakeRtmsServer {
  readonly received: Received[] = [];
  readonly sockets: Array<{ name: FakeSocketName; ws: WebSocket }> = [];
  readonly #wss: WebSocketServer;
  readonly #waiters = new Set<() => void>();

  private constructor(
    wss: WebSocketServer,
    readonly options: FakeRtmsServerOptions,
  ) {
    this.#wss = wss;
    wss.on('connection', (ws, request) => this.#onConnection(ws, request.url?.startsWith('/rtms/media') ? 'media' : 'signaling'));
  }

  static async start(options: FakeRtmsServerOptions): Promise<FakeRtmsServer> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    return new FakeRtmsServer(wss, { ...options });
  }

  get port(): number {
    return (this.#wss.address() as AddressInfo).port;
  }

  get signalingUrl(): string {
    return `ws://127.0.0.1:${this.port}/rtms/signaling`;
  }

  /** The newest open socket of that kind. */
  socket(name: FakeSocketName): WebSocket {
    const found = this.sockets.filter((s) => s.name === name && s.ws.readyState === s.ws.OPEN).at(-1);
    if (!found) throw new Error(`no open ${name} socket`);
    return found.ws;
  }

  send(name: FakeSocketName, message: object | Uint8Array): void {
    this.socket(name).send(message instanceof Uint8Array ? message : JSON.stringify(message));
  }

  /** Resolves with the `count`-th received message matching. */
  waitFor(socket: FakeSocketName, msgType: number, count = 1): Promise<Received> {
    return new Promise((resolve) => {
      const check = (): void => {
        const matches = this.received.filter((r) => r.socket === socket && r.message.msg_type === msgType);
        const match = matches[count - 1];
        if (!match) return;
        this.#waiters.delete(check);
        resolve(match);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Drops every connection without a close handshake, as a crashed network path would. */
  dropAll(): void {
    for (const { ws } of this.sockets) ws.terminate();
  }

  /** Closes every connection with a close frame carrying `code` (Roomcast: 4002 = the stream ended). */
  closeAll(code: number, reason = ''): void {
    for (const { ws } of this.sockets) ws.close(code, reason);
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }

  #onConnection(ws: WebSocket, name: FakeSocketName): void {
    this.sockets.push({ name, ws });
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Received['message'];
      this.received.push({ socket: name, message });
      this.#reply(ws, name, message);
      for (const waiter of [...this.#waiters]) waiter();
    });
  }

  #reply(ws: WebSocket, name: FakeSocketName, message: Received['message']): void {
    if (message.msg_type === 1) {
      const status = this.#check(message, this.options.signalingStatus ?? 0);
      const media_server = { server_urls: { all: `ws://127.0.0.1:${this.port}/rtms/media` } };
      ws.send(JSON.stringify({ msg_type: 2, status_code: status, reason: status ? 'refused' : null, media_server }));
      if (status) ws.close();
    } else if (message.msg_type === 3 && name === 'media') {
      const status = this.#check(message, this.options.mediaStatus ?? 0);
      const media_params = this.options.mediaParams ?? { audio: { codec: 'pcm_s16le', sample_rate: 16000, channels: 1 } };
      ws.send(JSON.stringify({ msg_type: 4, status_code: status, reason: status ? 'refused' : null, media_params }));
      if (status) ws.close();
    }
  }

  /** Status 8 for a wrong signature, else the configured one. */
  #check(message: Received['message'], status: number): number {
    const input = `${this.options.clientId},${String(message.room_id)},${String(message.stream_id)}`;
    const expected = createHmac('sha256', this.options.clientSecret).update(input).digest('hex');
    return message.signature === expected ? status : 8;
  }
}

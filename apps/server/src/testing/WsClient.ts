import WebSocket from 'ws';

/** A bare signaling client over `ws`: enough to exercise the protocol without a browser. */
export class WsClient {
  readonly messages: Array<Record<string, unknown>> = [];
  readonly closed: Promise<{ code: number }>;
  #nextId = 1;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => this.messages.push(JSON.parse(raw.toString()) as Record<string, unknown>));
    this.closed = new Promise((resolve) => socket.on('close', (code) => resolve({ code })));
  }

  static async open(url: string): Promise<WsClient> {
    const socket = new WebSocket(url);
    const client = new WsClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  sendRaw(text: string): void {
    this.socket.send(text);
  }

  async request(method: string, data?: unknown): Promise<Record<string, unknown>> {
    const id = this.#nextId++;
    this.socket.send(JSON.stringify({ id, method, data }));
    return this.waitFor((m) => m.id === id);
  }

  async waitFor(match: (m: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.messages.find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('timed out waiting for a message');
  }
}

import WebSocket from 'ws';

export type Received = Record<string, unknown> | Uint8Array;

/** A bare RTMS app over `ws`: JSON messages parsed, binary frames kept as bytes. */
export class RtmsTestClient {
  readonly received: Received[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly socket: WebSocket) {
    socket.on('message', (raw, isBinary) => {
      const bytes = Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw as ArrayBuffer);
      this.received.push(isBinary ? new Uint8Array(bytes) : (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>));
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async open(url: string): Promise<RtmsTestClient> {
    const client = new RtmsTestClient(new WebSocket(url));
    await new Promise<void>((resolve, reject) => {
      client.socket.once('open', () => resolve());
      client.socket.once('error', reject);
    });
    return client;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  json(): Array<Record<string, unknown>> {
    return this.received.filter((m): m is Record<string, unknown> => !(m instanceof Uint8Array));
  }

  binary(): Uint8Array[] {
    return this.received.filter((m): m is Uint8Array => m instanceof Uint8Array);
  }

  async waitFor(match: (m: Record<string, unknown>) => boolean, timeoutMs = 5000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.json().find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('timed out waiting for a message');
  }
}

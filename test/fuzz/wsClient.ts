import WebSocket from 'ws';

/** What became of one message: the next reply envelope, the socket closing, or nothing in time. */
export type Exchange = { kind: 'reply'; text: string } | { kind: 'closed'; code: number } | { kind: 'timeout' };

export type IdKind = 'transportId' | 'producerId' | 'consumerId';

const REPLY_TIMEOUT_MS = 5000;
/** Under the server's default 50 messages/s per socket, so ordinary inputs are judged on content, not refused for rate. */
const MIN_SEND_INTERVAL_MS = 25;

/**
 * A long-lived signaling connection that the fuzz drives one message at a time. Closed by the
 * server (leave, flood, over-size), it reconnects with the same token and runs `setup` again.
 * It remembers the ids the server gave it, so fuzzed requests can name real transports,
 * producers and consumers.
 */
export class FuzzClient {
  readonly ids: Record<IdKind, string[]> = { transportId: [], producerId: [], consumerId: [] };
  connects = 0;
  #ws: WebSocket | undefined;
  #waiter: ((exchange: Exchange) => void) | undefined;
  #lastSend = 0;

  constructor(
    readonly name: string,
    readonly url: string,
    readonly setup: (client: FuzzClient) => Promise<void>,
  ) {}

  get isOpen(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  /** Opens (again) and sets up, when the last socket is gone. */
  async ensureOpen(): Promise<void> {
    if (this.isOpen) return;
    await this.#connect();
    await this.setup(this);
  }

  /** Sends one message and waits for the next reply envelope (or the close). Opens first if needed. */
  async exchange(payload: string | Buffer, options: { binary?: boolean; paced?: boolean } = {}): Promise<Exchange> {
    await this.ensureOpen();
    if (options.paced !== false) await this.#pace();
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return { kind: 'closed', code: 1006 };
    return new Promise((resolve) => {
      const timer = setTimeout(() => done({ kind: 'timeout' }), REPLY_TIMEOUT_MS);
      const done = (exchange: Exchange): void => {
        clearTimeout(timer);
        this.#waiter = undefined;
        resolve(exchange);
      };
      this.#waiter = done;
      ws.send(payload, { binary: options.binary ?? false });
    });
  }

  /** Sends every payload at once, then collects replies until each has one, the socket closes, or time runs out. */
  async burst(payloads: string[]): Promise<Exchange[]> {
    await this.ensureOpen();
    const ws = this.#ws!;
    const results: Exchange[] = [];
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.#waiter = undefined;
        resolve(results);
      };
      const timer = setTimeout(finish, REPLY_TIMEOUT_MS);
      this.#waiter = (exchange) => {
        results.push(exchange);
        if (exchange.kind !== 'reply' || results.length === payloads.length) finish();
      };
      for (const payload of payloads) ws.send(payload);
    });
  }

  /** Drops the connection at once, as a vanished client would. */
  terminate(): void {
    this.#ws?.terminate();
  }

  #connect(): Promise<void> {
    this.connects++;
    for (const list of Object.values(this.ids)) list.length = 0;
    const ws = new WebSocket(this.url);
    this.#ws = ws;
    ws.on('message', (data: Buffer) => this.#onMessage(data.toString('utf8')));
    ws.on('close', (code) => this.#waiter?.({ kind: 'closed', code }));
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => {
        ws.terminate();
        reject(new Error(`${this.name}: upgrade refused with ${res.statusCode}`));
      });
      // After 'open', errors are followed by 'close', which is what the fuzz looks at.
      ws.on('error', (error) => reject(error));
    });
  }

  #onMessage(text: string): void {
    let message: { ok?: boolean; method?: string; data?: Record<string, unknown> };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      this.#waiter?.({ kind: 'reply', text });
      return;
    }
    if (message && typeof message === 'object' && 'ok' in message) {
      this.#remember(message.data);
      this.#waiter?.({ kind: 'reply', text });
      return;
    }
    // Notifications: keep the consumer ids the server hands out, forget the closed ones.
    const id = message?.data?.id ?? message?.data?.consumerId;
    if (message?.method === 'newConsumer' && typeof id === 'string') this.ids.consumerId.push(id);
    if (message?.method === 'consumerClosed') this.ids.consumerId = this.ids.consumerId.filter((c) => c !== id);
  }

  #remember(data: Record<string, unknown> | undefined): void {
    if (!data || typeof data !== 'object') return;
    if (typeof data.producerId === 'string') this.ids.producerId.push(data.producerId);
    if (typeof data.id === 'string' && 'iceParameters' in data) this.ids.transportId.push(data.id);
  }

  async #pace(): Promise<void> {
    const wait = this.#lastSend + MIN_SEND_INTERVAL_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.#lastSend = Date.now();
  }
}

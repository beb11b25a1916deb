import type { WebSocketLike } from '../SignalClient.js';

export interface SentRequest {
  id: number;
  method: string;
  data: unknown;
}

/**
 * A stand-in for the browser's WebSocket in unit tests: Node 20 has no global WebSocket, and the
 * unit tests are about correlation, timeouts, validation and reconnect decisions, not the network.
 * The real socket is exercised in Chromium against a real server. Tests play the server by hand.
 */
export class FakeWebSocket implements WebSocketLike {
  readyState = 0;
  onopen: WebSocketLike['onopen'] = null;
  onclose: WebSocketLike['onclose'] = null;
  onerror: WebSocketLike['onerror'] = null;
  onmessage: WebSocketLike['onmessage'] = null;
  readonly sent: SentRequest[] = [];
  /** The code the client closed with, if it did. */
  closedWith: number | undefined;
  /** Called for each request the client sends (a scripted server answers here). */
  onRequest: ((request: SentRequest) => void) | undefined;

  constructor(readonly url: string) {}

  send(data: string): void {
    const request = JSON.parse(data) as SentRequest;
    this.sent.push(request);
    this.onRequest?.(request);
  }

  close(code = 1005): void {
    this.closedWith = code;
    this.readyState = 3;
  }

  // The server's side.
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }

  receive(message: unknown): void {
    this.onmessage?.({ data: typeof message === 'string' ? message : JSON.stringify(message) });
  }

  reply(id: number, data: unknown): void {
    this.receive({ id, ok: true, data });
  }

  /** The connection ends from the server's side (or the network): the client gets a close event. */
  drop(code = 1006, reason = ''): void {
    if (this.readyState === 3 && this.closedWith !== undefined) return; // The client closed it already.
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

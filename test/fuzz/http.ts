import { Agent, request } from 'node:http';
import { connect } from 'node:net';

/*
 * HTTP for the fuzz. node:http, not fetch: fetch resolves "../" in paths and refuses many header
 * values, and the fuzz wants them sent as they are. Raw requests go over a plain TCP socket.
 */

export interface HttpInput {
  method: string;
  /** Sent as is: only characters outside 0x21-0xff must already be percent-encoded. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

export interface HttpReply {
  status: number;
  body: string;
}

const TIMEOUT_MS = 10_000;

export class HttpClient {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 8 });

  constructor(readonly base: URL) {}

  /**
   * Sends on a kept-alive connection. A connection the server closed after its previous answer
   * (it closes after a client error without saying "Connection: close") can fail the next
   * request sent on it: a reset connection gets one more try on a new connection of its own, so
   * only a server that drops the request itself is reported.
   */
  async send(input: HttpInput): Promise<HttpReply> {
    try {
      return await this.#send(input, this.#agent);
    } catch (error) {
      if (!(error as { reset?: boolean }).reset) throw error;
      return this.#send(input, false);
    }
  }

  #send(input: HttpInput, agent: Agent | false): Promise<HttpReply> {
    return new Promise((resolve, reject) => {
      // An explicit length even on GET and DELETE: without one node:http sends their body unframed,
      // and the server would read it as the start of the next request on the connection.
      const headers = input.body === undefined ? input.headers : { ...input.headers, 'content-length': String(Buffer.byteLength(input.body)) };
      const req = request(
        { host: this.base.hostname, port: this.base.port, method: input.method, path: input.path, headers, agent, timeout: TIMEOUT_MS },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no reply within ${TIMEOUT_MS} ms`)));
      req.on('error', (error: Error & { reset?: boolean }) => {
        error.reset = agent !== false && /ECONNRESET|socket hang up|EPIPE/.test(`${(error as { code?: string }).code} ${error.message}`);
        reject(error);
      });
      req.end(input.body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/**
 * Writes `raw` bytes to the server and reads what comes back until it closes the connection.
 * `status` is 0 when the server closed without an HTTP answer.
 */
export function sendRaw(base: URL, raw: Buffer): Promise<HttpReply> {
  return new Promise((resolve) => {
    const socket = connect({ host: base.hostname, port: Number(base.port) });
    const chunks: Buffer[] = [];
    const finish = (): void => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const split = text.indexOf('\r\n\r\n');
      resolve({ status, body: split >= 0 ? text.slice(split + 4) : text });
    };
    const timer = setTimeout(finish, TIMEOUT_MS);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // One answer is enough: a kept-alive connection would otherwise hold us until the timeout.
      if (isCompleteResponse(Buffer.concat(chunks).toString('latin1'))) finish();
    });
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(raw);
  });
}

function isCompleteResponse(text: string): boolean {
  const split = text.indexOf('\r\n\r\n');
  if (split < 0) return false;
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, split))?.[1];
  if (length !== undefined) return Buffer.byteLength(text.slice(split + 4), 'latin1') >= Number(length);
  return /\r\ntransfer-encoding: *chunked/i.test(text.slice(0, split)) && text.endsWith('0\r\n\r\n');
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** encodeURIComponent for any string: a lone surrogate (which it refuses) becomes U+FFFD first. */
export function encodeComponent(text: string): string {
  return encodeURIComponent(text.replace(LONE_SURROGATE, '\ufffd'));
}

/** Makes any string sendable as a path: characters outside 0x21-0x7e are percent-encoded (UTF-8), the rest go raw. */
export function rawPath(text: string): string {
  return [...text].map((ch) => (/^[\x21-\x7e]$/.test(ch) ? ch : encodeComponent(ch))).join('');
}

/** A header value node:http will send: tab and printable Latin-1 only (others become '?'). */
export function headerSafe(text: string): string {
  return text.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');
}

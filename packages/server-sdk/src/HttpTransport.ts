import { AppError, ErrorBodySchema } from '@roomcast/protocol';
import type { AccessToken } from './AccessToken.js';
import { RoomcastApiError, type RoomcastApiErrorCode } from './RoomcastApiError.js';

/** A fresh admin token is minted when the cached one has less than this left. */
const REFRESH_MARGIN_MS = 60_000;
const ADMIN_TTL_S = 600;

export interface HttpTransportOptions {
  url: string;
  tokens: AccessToken;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** Defaults to the global `fetch` (Node 20+). */
  fetch?: typeof fetch;
}

/** JSON over `fetch` with an admin bearer token; turns every failure into a `RoomcastApiError`. */
export class HttpTransport {
  readonly #base: string;
  readonly #tokens: AccessToken;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  #cached: { jwt: Promise<string>; expiresAt: number } | undefined;

  constructor(options: HttpTransportOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new AppError('bad_request', 'invalid server url');
    }
    // Nothing was sent, so this is the caller's mistake, not a failed call.
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new AppError('bad_request', 'server url must be http(s)');
    this.#base = base.href.replace(/\/+$/, '');
    this.#tokens = options.tokens;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#fetch = options.fetch ?? fetch;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.#adminToken()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.#fetch(`${this.#base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : 'unreachable';
      throw new RoomcastApiError(0, 'network_error', `${method} ${path}: server ${reason}`, { cause: error });
    }
    return readResponse<T>(response, `${method} ${path}`);
  }

  /** One token serves every call until a minute before it expires. */
  #adminToken(): Promise<string> {
    if (!this.#cached || this.#cached.expiresAt - Date.now() < REFRESH_MARGIN_MS) {
      const jwt = this.#tokens.forAdmin({ ttlSeconds: ADMIN_TTL_S }).toJwt();
      this.#cached = { jwt, expiresAt: Date.now() + ADMIN_TTL_S * 1000 };
      // A failed mint must not be cached: the next call tries again.
      jwt.catch(() => (this.#cached = undefined));
    }
    return this.#cached.jwt;
  }
}

async function readResponse<T>(response: Response, what: string): Promise<T> {
  const text = await response.text().catch(() => '');
  if (response.ok) {
    if (response.status === 204 || text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new RoomcastApiError(response.status, 'unexpected_response', `${what}: response is not JSON`, { cause: error });
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = ErrorBodySchema.safeParse(json);
  if (parsed.success) throw new RoomcastApiError(response.status, parsed.data.error.code, parsed.data.error.message);
  // A proxy's HTML page (or a code this SDK does not know yet): keep the status, say what we know.
  const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? (error.code as RoomcastApiErrorCode) : 'unexpected_response';
  const message = typeof error?.message === 'string' ? error.message : `${what}: HTTP ${response.status}`;
  throw new RoomcastApiError(response.status, code, message);
}

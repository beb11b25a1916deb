import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ASSET_MAX_BYTES, AppError, type AssetUploadTicket } from '@roomcast/protocol';

/** How long a ticket may be used: enough to pick a file and send 2 MB, short enough that a leaked one is soon useless. */
const TICKET_TTL_MS = 2 * 60_000;
const PREFIX = 'rcupload_';

interface TicketClaims {
  /** Room and identity of the moderator it was issued to (for the log). */
  room: string;
  identity: string;
  /** Random: each ticket uploads once. */
  nonce: string;
  /** Expiry, ms since the epoch. */
  exp: number;
}

/** Where redeemed tickets are remembered until they expire; `claim` is true only the first time. */
export interface TicketLedger {
  claim(nonce: string, expiresAt: number, now: number): Promise<boolean>;
}

/** One process's memory: enough when one process redeems every ticket. */
export class MemoryTicketLedger implements TicketLedger {
  readonly #used = new Map<string, number>();

  async claim(nonce: string, expiresAt: number, now: number): Promise<boolean> {
    for (const [used, exp] of this.#used) if (exp <= now) this.#used.delete(used);
    if (this.#used.has(nonce)) return false;
    this.#used.set(nonce, expiresAt);
    return true;
  }
}

/**
 * Redis (`<prefix>:upload-ticket:<nonce>`, SET NX with the ticket's remaining life): with several
 * egress nodes, a ticket used on one is used on all. Redis away: no ticket is redeemed (a coded
 * 503), rather than one that could be redeemed once per node.
 */
export class RedisTicketLedger implements TicketLedger {
  constructor(
    readonly redis: Redis,
    readonly prefix = 'roomcast',
  ) {}

  async claim(nonce: string, expiresAt: number, now: number): Promise<boolean> {
    const set = await this.redis.set(`${this.prefix}:upload-ticket:${nonce}`, '1', 'PX', Math.max(1, expiresAt - now), 'NX').catch(() => {
      throw new AppError('cluster_unavailable', 'upload tickets cannot be checked while the cluster registry (Redis) is unreachable; try again shortly');
    });
    return set === 'OK';
  }
}

/**
 * Short-lived, single-use tickets that let a moderator's browser upload one logo to `POST /v1/assets`
 * without a management token (the browser never holds one). Chosen over sending the image through
 * signaling because a 2 MB image in base64 is ten times the signaling message limit, and raising that
 * limit would raise it for every socket. A ticket is HMAC-signed with a key derived from the API
 * secret for this one purpose, so it can never pass as a JWT of either kind, nor a JWT as a ticket.
 */
export class AssetUploadTickets {
  readonly #key: Buffer;

  constructor(
    apiSecret: string,
    readonly ttlMs = TICKET_TTL_MS,
    /** Nonces redeemed and not yet expired: a ticket works once. */
    readonly ledger: TicketLedger = new MemoryTicketLedger(),
  ) {
    this.#key = createHmac('sha256', apiSecret).update('roomcast asset upload tickets v1').digest();
  }

  static isTicket(token: string): boolean {
    return token.startsWith(PREFIX);
  }

  issue(room: string, identity: string, now = Date.now()): AssetUploadTicket {
    const claims: TicketClaims = { room, identity, nonce: randomBytes(12).toString('base64url'), exp: now + this.ttlMs };
    const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return {
      url: '/v1/assets',
      token: `${PREFIX}${payload}.${this.#sign(payload)}`,
      expires_at: new Date(claims.exp).toISOString(),
      max_bytes: ASSET_MAX_BYTES,
    };
  }

  /** Checks and uses up a ticket: 401 when forged, expired or already used. */
  async redeem(token: string, now = Date.now()): Promise<{ room: string; identity: string }> {
    const claims = this.#verify(token);
    if (!claims || claims.exp <= now) throw new AppError('invalid_token', 'the upload ticket is invalid or expired');
    if (!(await this.ledger.claim(claims.nonce, claims.exp, now))) throw new AppError('invalid_token', 'the upload ticket was already used');
    return { room: claims.room, identity: claims.identity };
  }

  #verify(token: string): TicketClaims | undefined {
    const [payload, signature] = token.slice(PREFIX.length).split('.');
    if (!AssetUploadTickets.isTicket(token) || !payload || !signature) return undefined;
    const expected = Buffer.from(this.#sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TicketClaims;
      return typeof claims.exp === 'number' && typeof claims.nonce === 'string' ? claims : undefined;
    } catch {
      return undefined;
    }
  }

  #sign(payload: string): string {
    return createHmac('sha256', this.#key).update(payload).digest('base64url');
  }
}

import { SignJWT } from 'jose';
import {
  AppError,
  CreateTokenBodySchema,
  type ParticipantClaims,
  RoomNameSchema,
  type Capability,
  type Role,
} from '@roomcast/protocol';

/** Same default as the server's `POST /v1/rooms/:room/tokens`. */
const DEFAULT_PARTICIPANT_TTL_S = 6 * 3600;
/** Management tokens are for one call or a few: short-lived. */
const DEFAULT_ADMIN_TTL_S = 600;

export interface ApiCredentials {
  /** The server's `ROOMCAST_API_KEY`: goes into `iss`. */
  apiKey: string;
  /** The server's `ROOMCAST_API_SECRET`: signs (HS256). Never sent anywhere. */
  apiSecret: string;
}

export interface ParticipantGrant {
  room: string;
  /** Stable id of the user in your product (`sub`). */
  identity: string;
  /** Display name; defaults to `identity`, as the server does. */
  name?: string;
  role: Role;
  /** Replaces the role's default capabilities when given. */
  capabilities?: Capability[];
  /** 60 s to 7 days; default 6 hours. */
  ttlSeconds?: number;
}

export interface AdminGrant {
  /** Default 600 s. */
  ttlSeconds?: number;
}

/** A token ready to sign: `await token.toJwt()`. */
export interface SignableToken {
  toJwt(): Promise<string>;
  /** When the JWT from the next `toJwt()` expires (computed at call time). */
  readonly ttlSeconds: number;
}

/**
 * Mints the JWTs a Roomcast server accepts, without calling it: participant tokens for the
 * browser SDK (`/ws?token=`), admin tokens for the REST API (`Authorization: Bearer`).
 */
export class AccessToken {
  readonly #apiKey: string;
  readonly #secret: Uint8Array;

  constructor(credentials: ApiCredentials) {
    if (!credentials.apiKey || !credentials.apiSecret) throw new AppError('bad_request', 'apiKey and apiSecret are required');
    this.#apiKey = credentials.apiKey;
    this.#secret = new TextEncoder().encode(credentials.apiSecret);
  }

  forParticipant(grant: ParticipantGrant): SignableToken {
    const room = RoomNameSchema.safeParse(grant.room);
    if (!room.success) throw new AppError('bad_request', `invalid room name "${grant.room}"`);
    // The same rules as the server's token route, so a token minted here is never one it would refuse to mint.
    const body = CreateTokenBodySchema.safeParse({
      identity: grant.identity,
      name: grant.name,
      role: grant.role,
      capabilities: grant.capabilities,
      ttl_seconds: grant.ttlSeconds,
    });
    if (!body.success) throw new AppError('bad_request', `invalid participant grant: ${body.error.issues[0]?.path.join('.')} ${body.error.issues[0]?.message}`);
    const ttlSeconds = body.data.ttl_seconds ?? DEFAULT_PARTICIPANT_TTL_S;
    const claims: Omit<ParticipantClaims, 'sub'> = {
      name: body.data.name ?? body.data.identity,
      room: room.data,
      role: body.data.role,
      ...(body.data.capabilities ? { capabilities: body.data.capabilities } : {}),
    };
    return { ttlSeconds, toJwt: () => this.#sign(claims, ttlSeconds, body.data.identity) };
  }

  forAdmin(grant: AdminGrant = {}): SignableToken {
    const ttlSeconds = grant.ttlSeconds ?? DEFAULT_ADMIN_TTL_S;
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1 || ttlSeconds > 24 * 3600) {
      throw new AppError('bad_request', 'admin ttlSeconds must be an integer from 1 to 86400');
    }
    return { ttlSeconds, toJwt: () => this.#sign({ grants: { admin: true } }, ttlSeconds) };
  }

  #sign(claims: Record<string, unknown>, ttlSeconds: number, subject?: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(this.#apiKey)
      .setIssuedAt(now)
      .setExpirationTime(now + ttlSeconds);
    if (subject !== undefined) jwt.setSubject(subject);
    return jwt.sign(this.#secret);
  }
}

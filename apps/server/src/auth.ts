import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import {
  AdminClaimsSchema,
  AppError,
  type CreateTokenBody,
  type ParticipantClaims,
  ParticipantClaimsSchema,
} from '@roomcast/protocol';

const DEFAULT_TTL_SECONDS = 6 * 3600;

/** Signs and checks the HS256 JWTs of the API contract: management tokens and participant tokens. */
export class Auth {
  readonly #secret: Uint8Array;

  constructor(
    readonly apiKey: string,
    apiSecret: string,
  ) {
    this.#secret = new TextEncoder().encode(apiSecret);
  }

  /** Checks `Authorization: Bearer <jwt>` for a management call. */
  async verifyAdmin(authorization: string | undefined): Promise<void> {
    const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) throw new AppError('unauthorized', 'missing "Authorization: Bearer <token>" header');
    const payload = await this.#verify(token);
    if (!AdminClaimsSchema.safeParse(payload).success) {
      throw new AppError('forbidden', 'token lacks grants.admin');
    }
  }

  async verifyParticipant(token: string | undefined): Promise<ParticipantClaims> {
    if (!token) throw new AppError('unauthorized', 'missing token');
    const parsed = ParticipantClaimsSchema.safeParse(await this.#verify(token));
    if (!parsed.success) throw new AppError('invalid_token', 'token is not a participant token');
    return parsed.data;
  }

  /** `hidden`: only for the server's own recorder (the web layout's page); no REST body can ask for it. */
  async mintParticipant(room: string, body: CreateTokenBody, hidden = false): Promise<{ token: string; expiresAt: Date }> {
    const ttl = body.ttl_seconds ?? DEFAULT_TTL_SECONDS;
    const expiresAt = new Date(Date.now() + ttl * 1000);
    const claims: Omit<ParticipantClaims, 'sub'> = {
      name: body.name ?? body.identity,
      room,
      role: body.role,
      ...(body.capabilities ? { capabilities: body.capabilities } : {}),
      ...(hidden ? { hidden: true } : {}),
    };
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(this.apiKey)
      .setSubject(body.identity)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.#secret);
    return { token, expiresAt };
  }

  /** A management token, for tests, the CLI and the README's examples. */
  async mintAdmin(ttlSeconds = 600): Promise<string> {
    return new SignJWT({ grants: { admin: true } })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(this.apiKey)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.#secret);
  }

  async #verify(token: string): Promise<Record<string, unknown>> {
    try {
      const { payload } = await jwtVerify(token, this.#secret, {
        issuer: this.apiKey,
        algorithms: ['HS256'],
        requiredClaims: ['exp'],
      });
      return payload;
    } catch (error) {
      const expired = error instanceof joseErrors.JWTExpired;
      // The reason is safe to tell; the token itself never goes into a message.
      throw new AppError('invalid_token', expired ? 'token expired' : 'token is invalid', { cause: error });
    }
  }
}

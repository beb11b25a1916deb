import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { encodeJson, hostileString, hostileValue } from './hostile.js';

/*
 * JWTs built by hand (not with a JWT library) so they can be wrong in every way a library would
 * refuse to produce: alg "none", other algorithms, bad base64, missing or extra segments, claims
 * of the wrong type. Each variant says whether the server must accept it.
 */

export interface TokenKeys {
  apiKey: string;
  apiSecret: string;
}

export interface TokenVariant {
  /** What is wrong with it, for the summary and for findings. */
  kind: string;
  token: string;
  /** The claims it carries (before the variant changed `iss`, `exp` or the like). */
  claims: Record<string, unknown>;
  /** True when a correct server accepts it: signed by us, HS256, not expired, right issuer. */
  genuine: boolean;
}

const b64url = (text: string | Buffer): string => Buffer.from(text).toString('base64url');

export function signJwt(header: unknown, payload: unknown, secret: string, alg = 'sha256'): string {
  const head = `${b64url(encodeJson(header))}.${b64url(encodeJson(payload))}`;
  return `${head}.${createHmac(alg, secret).update(head).digest('base64url')}`;
}

const now = (): number => Math.floor(Date.now() / 1000);

type Builder = (claims: Record<string, unknown>, noise: { text: string; value: unknown; parts: number }) => [kind: string, token: string, genuine: boolean];

/**
 * Token variants around `claims` (an admin's or a participant's). `genuine` variants keep every
 * property the server checks; the others each break exactly one.
 */
export function tokenVariants(keys: TokenKeys, claims: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<TokenVariant> {
  const HS256 = { alg: 'HS256', typ: 'JWT' };
  const fresh = (c: Record<string, unknown>) => ({ iss: keys.apiKey, iat: now(), exp: now() + 600, ...c });
  const sign = (c: unknown, header: unknown = HS256) => signJwt(header, c, keys.apiSecret);
  const builders: Builder[] = [
    (c) => ['genuine', sign(fresh(c)), true],
    (c) => ['alg-none', `${b64url(encodeJson({ alg: 'none', typ: 'JWT' }))}.${b64url(encodeJson(fresh(c)))}.`, false],
    (c) => ['alg-none-signed', sign(fresh(c), { alg: 'none' }), false],
    (c) => ['hs512', signJwt({ alg: 'HS512' }, fresh(c), keys.apiSecret, 'sha512'), false],
    (c, n) => ['wrong-secret', signJwt(HS256, fresh(c), `${keys.apiSecret}x${n.text}`), false],
    (c) => ['expired', sign({ ...fresh(c), exp: now() - 120, iat: now() - 3600 }), false],
    (c) => ['no-exp', sign({ ...c, iss: keys.apiKey }), false],
    (c, n) => ['wrong-iss', sign({ ...fresh(c), iss: n.value === keys.apiKey ? 'other' : n.value }), false],
    (c) => ['not-before', sign({ ...fresh(c), nbf: now() + 3600 }), false],
    (c, n) => ['exp-garbage', sign({ ...fresh(c), exp: expiredOrNotANumber(n.value) }), false],
    (c) => ['tampered', tamper(sign(fresh(c))), false],
    (c, n) => ['header-garbage', sign(fresh(c), n.value), false],
    // Header fields the server must ignore (kid, jku, x5u) or refuse (an unknown critical extension).
    (c) => ['header-kid', sign(fresh(c), { ...HS256, kid: '../../etc/passwd' }), true],
    (c) => ['header-jku', sign(fresh(c), { ...HS256, jku: 'http://127.0.0.1:9/k', x5u: 'http://127.0.0.1:9/c' }), true],
    (c) => ['header-crit', sign(fresh(c), { ...HS256, crit: ['exp'] }), false],
    (_c, n) => ['garbage', Array.from({ length: n.parts + 1 }, () => n.text).join('.'), false],
    (_c, n) => ['payload-garbage', `${b64url(encodeJson(HS256))}.${b64url(encodeJson(n.value))}.sig`, false],
  ];
  const noise = fc.record({ text: hostileString, value: hostileValue, parts: fc.nat(4) });
  return fc.tuple(claims, fc.nat(builders.length - 1), noise).map(([c, pick, n]) => {
    const [kind, token, genuine] = builders[pick]!(c, n);
    return { kind, token, genuine, claims: c };
  });
}

/** An `exp` the server must refuse: past, or not a number (raw huge numbers like 1e999 would be valid). */
function expiredOrNotANumber(exp: unknown): unknown {
  if (typeof exp === 'number') return exp > now() ? now() - 60 : exp;
  return typeof exp === 'string' && exp.startsWith('@@raw(') ? 'x' : exp;
}

/** Flips one character of the signature: the claims read the same, the signature no longer matches. */
function tamper(token: string): string {
  const last = token.at(-2) === 'A' ? 'B' : 'A';
  return `${token.slice(0, -2)}${last}${token.slice(-1)}`;
}

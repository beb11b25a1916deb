import fc from 'fast-check';
import {
  AdminClaimsSchema,
  CreateRoomBodySchema,
  CreateTokenBodySchema,
  DemoTokenBodySchema,
  RoomNameSchema,
  StartRtmpBroadcastsBodySchema,
} from '@roomcast/protocol';
import { encodeJson, hostileString, hostileValue, mutated, sanitizeStreamUrls } from './hostile.js';
import { encodeComponent, headerSafe, rawPath } from './http.js';
import { type TokenKeys, tokenVariants } from './jwt.js';
import { ROOMS, SCRATCH, guardRoom } from './rooms.js';
import { fuzzValue, schemaArbitrary, type SchemaSource, toJsonSchema } from './schemaArbitrary.js';

/** One REST request of the fuzz, and what a correct server must do with its credentials. */
export interface RestInput {
  method: string;
  path: string;
  contentType?: string;
  authorization?: string;
  extraHeaders?: Record<string, string>;
  body?: string;
  /** `accept`: the credentials are good (no 401/403); `refuse`: they are not (401/403 only). */
  credentials?: 'accept' | 'refuse';
  /** Raw bytes instead of a well-formed request (headers category). */
  raw?: string;
}

const BROKEN_JSON = ['', ' ', 'null', '{}', '[]', '"x"', '{"a":1,}', "{'a':1}", '{"__proto__":{"admin":true}}', '\ufeff{}', '{"name":"a","name":"b"}', '{', '}', '\u0000', 'NaN', '[1e999]', '{"identity":"\ud800","role":"viewer"}'];

/** JSON text for a body: mostly from the schema, sometimes broken JSON or over the 64 KiB body limit. */
export function bodyText(schema: SchemaSource): fc.Arbitrary<string> {
  const value = fuzzValue(schema).map((v) => encodeJson(sanitizeStreamUrls(v)));
  return fc.oneof(
    { arbitrary: value, weight: 10 },
    { arbitrary: fc.constantFrom(...BROKEN_JSON), weight: 1 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 1 },
    { arbitrary: fc.tuple(value, fc.nat()).map(([text, n]) => text.slice(0, n % Math.max(1, text.length))), weight: 1 },
    { arbitrary: fc.integer({ min: 60 * 1024, max: 200 * 1024 }).map((n) => encodeJson({ identity: 'x', role: 'viewer', pad: 'p'.repeat(n) })), weight: 1 },
  );
}

const CONTENT_TYPES = [
  'application/json; charset=utf-8', 'application/json; charset=latin1', 'APPLICATION/JSON', 'text/plain', 'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x', '', 'application/json, text/plain', 'application/json;;;', 'application/problem+json', 'application/jsonx',
];
const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 16 },
  { arbitrary: fc.constantFrom<string | undefined>(...CONTENT_TYPES, undefined), weight: 3 },
  { arbitrary: hostileString.map(headerSafe), weight: 1 },
);

/** Bodies for every route that takes one, and junk bodies for routes that take none. */
export function restBodyInputs(): fc.Arbitrary<RestInput> {
  const post = (path: string, schema: SchemaSource) => fc.tuple(bodyText(schema), contentType).map(([body, type]): RestInput => ({ method: 'POST', path, body, contentType: type }));
  const junk = (method: string, path: string) => fc.tuple(hostileValue, contentType).map(([v, type]): RestInput => ({ method, path, body: encodeJson(v), contentType: type }));
  return fc.oneof(
    { arbitrary: post('/v1/rooms', CreateRoomBodySchema.nullish()), weight: 100 },
    { arbitrary: post(`/v1/rooms/${ROOMS.rest}/tokens`, CreateTokenBodySchema), weight: 100 },
    { arbitrary: post(`/v1/rooms/${ROOMS.none}/tokens`, CreateTokenBodySchema), weight: 20 },
    // Valid broadcast bodies stop at "room not found" here: no FFmpeg starts for them.
    { arbitrary: post(`/v1/rooms/${ROOMS.none}/rtmp_broadcasts`, StartRtmpBroadcastsBodySchema), weight: 120 },
    // A very few reach a real room (stream URLs all point at the closed port 9): the runner stops what starts.
    { arbitrary: post(`/v1/rooms/${ROOMS.rest}/rtmp_broadcasts`, StartRtmpBroadcastsBodySchema), weight: 1 },
    { arbitrary: post('/v1/demo/tokens', DemoTokenBodySchema), weight: 60 },
    { arbitrary: junk('POST', `/v1/rooms/${ROOMS.none}/rtmp_broadcasts/stop`), weight: 20 },
    { arbitrary: junk('POST', `/v1/rooms/${ROOMS.none}/rtmp_broadcasts/a/stop`), weight: 20 },
    { arbitrary: junk('DELETE', `/v1/rooms/${ROOMS.none}`), weight: 20 },
    { arbitrary: junk('GET', '/v1/rooms'), weight: 20 },
  );
}

const ROUTE_TEMPLATES: [string, string][] = [
  ['GET', '/v1/rooms/:room'], ['DELETE', '/v1/rooms/:room'], ['PATCH', '/v1/rooms/:room'], ['POST', '/v1/rooms/:room/tokens'],
  ['POST', '/v1/rooms/:room/rtmp_broadcasts'], ['POST', '/v1/rooms/:room/rtmp_broadcasts/stop'], ['POST', '/v1/rooms/:room/rtmp_broadcasts/:name/stop'],
  ['PUT', '/v1/rooms/:room/egress/layout'], ['POST', '/v1/rooms/:room/live_streams'], ['GET', '/v1/rooms/:room/live_streams'],
  ['GET', '/v1/live_streams/:name'], ['POST', '/v1/live_streams/:name/stop'], ['POST', '/v1/rooms/:room/media_streams'],
  ['GET', '/v1/media_streams/:name'], ['POST', '/v1/media_streams/:name/:name'],
];

const TRAVERSALS = [
  '..', '../..', '../../../../etc/passwd', '..%2f..%2fetc%2fpasswd', '%2e%2e', '%2e%2e%2f', '%00', 'a%00b', '%', '%zz', '%C0%AE%C0%AE', '%ff', 'a/b', '',
  '.', '?x=1', '#frag', ';a', '~', '*', '%2F', '\\..\\..', 'a'.repeat(65), 'a'.repeat(5000), 'a'.repeat(20_000), ROOMS.none,
];

const paramValue: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: schemaArbitrary(toJsonSchema(RoomNameSchema)).map((v) => guardRoom(String(v))), weight: 3 },
  { arbitrary: fc.constant(SCRATCH), weight: 1 },
  { arbitrary: fc.constantFrom(...TRAVERSALS), weight: 3 },
  { arbitrary: hostileString.map(guardRoom), weight: 3 },
);
/** Raw (a "%" stays a "%", "../" stays "../") or properly percent-encoded. */
const encodedParam = fc.tuple(paramValue, fc.boolean()).map(([value, raw]) => (value === SCRATCH ? value : raw ? rawPath(value) : encodeComponent(value)));

const WHOLE_PATHS = [
  '//v1/rooms', '/v1//rooms', '/V1/ROOMS', '/v1/rooms/', '/v1/rooms?name=%zz', '/docs/..%2f..%2fpackage.json', '/docs/static/../../../package.json',
  '/../../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2f..%2fetc%2fpasswd', '/metrics?x=%00', '/healthz/..', '/index.html/..', '/ws',
  '/ws?token=', '/v1/rooms/%2e%2e', '/assets/..%2f..%2f..%2fpackage.json', '/docs/json', '/v1/demo', '/v1/rooms?__proto__[admin]=1',
];

/** Path parameters (room, broadcast, stream ids) and whole paths, with a valid admin token and harmless bodies. */
export function pathInputs(): fc.Arbitrary<RestInput> {
  const templated = fc.tuple(fc.constantFrom(...ROUTE_TEMPLATES), encodedParam, encodedParam).map(([[method, template], a, b]): RestInput => {
    let n = 0;
    const path = template.replace(/:(room|name)/g, () => (n++ === 0 ? a : b));
    // Tokens get a valid body, so the parameter is what decides; every other body is empty and invalid.
    const body = path.endsWith('/tokens') ? encodeJson({ identity: 'fuzz-path', role: 'viewer' }) : method === 'GET' || method === 'DELETE' ? undefined : '{}';
    return { method, path, body, contentType: body === undefined ? undefined : 'application/json' };
  });
  const methods = fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND');
  const whole = fc.tuple(methods, fc.oneof(fc.constantFrom(...WHOLE_PATHS), fc.array(encodedParam, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`)));
  return fc.oneof(
    { arbitrary: templated, weight: 5 },
    { arbitrary: whole.map(([method, path]): RestInput => ({ method, path: path.startsWith('/') ? path : `/${path}` })), weight: 1 },
  );
}

const ADMIN_CLAIMS = { grants: { admin: true } };

/** Authorization forms, and whether the server's "Bearer <token>" rule lets the token through. */
const AUTH_FORMS: [(token: string) => string, boolean][] = [
  [(t) => `Bearer ${t}`, true], [(t) => `bearer ${t}`, true], [(t) => `BEARER ${t}`, true], [(t) => `Bearer  ${t}`, false], [(t) => t, false],
  [(t) => `Basic ${t}`, false], [(t) => `Bearer ${t} ${t}`, false], [(t) => `Bearer ${t},Bearer x`, false],
];

/** Admin credentials in every shape, on three routes; plus other headers and raw malformed requests. */
export function headerInputs(keys: TokenKeys, adminToken: string): fc.Arbitrary<RestInput> {
  const claims = fc.oneof(
    { arbitrary: fc.constant<unknown>(ADMIN_CLAIMS), weight: 4 },
    { arbitrary: mutated(fc.constant(ADMIN_CLAIMS)), weight: 2 },
    { arbitrary: fc.constant<unknown>({ sub: 'x', room: ROOMS.rest, role: 'moderator' }), weight: 1 },
    { arbitrary: hostileValue, weight: 1 },
  ) as fc.Arbitrary<Record<string, unknown>>;
  const routes: [string, string, string | undefined][] = [
    ['GET', '/v1/rooms', undefined], ['POST', `/v1/rooms/${ROOMS.rest}/tokens`, encodeJson({ identity: 'fuzz-h', role: 'viewer' })], ['DELETE', `/v1/rooms/${ROOMS.none}`, undefined],
  ];
  const route = fc.constantFrom(...routes);
  const credentials = fc.tuple(route, tokenVariants(keys, claims), fc.nat(AUTH_FORMS.length - 1)).map(([[method, path, body], variant, form]): RestInput => {
    const [write, bearerOk] = AUTH_FORMS[form]!;
    const good = bearerOk && variant.genuine && AdminClaimsSchema.safeParse(variant.claims).success;
    return { method, path, body, contentType: body && 'application/json', authorization: headerSafe(write(variant.token)), credentials: good ? 'accept' : 'refuse' };
  });
  const missing = route.map(([method, path, body]): RestInput => ({ method, path, body, contentType: body && 'application/json', credentials: 'refuse' }));
  const huge = fc.integer({ min: 17_000, max: 80_000 }).map((n): RestInput => ({ method: 'GET', path: '/v1/rooms', authorization: `Bearer ${'a'.repeat(n)}` }));
  const name = fc.oneof(fc.constantFrom('x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'host', 'origin', 'accept', 'accept-encoding', 'cookie', 'x-request-id', 'if-none-match', 'range'), fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/));
  const others = fc.array(fc.tuple(name, hostileString.map(headerSafe)), { minLength: 1, maxLength: 6 }).map((pairs): RestInput => ({
    method: 'GET', path: '/v1/rooms', authorization: `Bearer ${adminToken}`, extraHeaders: Object.fromEntries(pairs),
  }));
  return fc.oneof(
    { arbitrary: credentials, weight: 36 },
    { arbitrary: missing, weight: 3 },
    { arbitrary: huge, weight: 1 },
    { arbitrary: others, weight: 6 },
    { arbitrary: rawRequests(adminToken), weight: 3 },
  );
}

/** Requests node:http would refuse to write: broken framing, bad bytes in headers, smuggling shapes. */
function rawRequests(adminToken: string): fc.Arbitrary<RestInput> {
  const auth = `Authorization: Bearer ${adminToken}\r\n`;
  const fixed = [
    `GET /v1/rooms HTTP/1.1\r\nHost: x\r\n${auth}X-A: a\u0000b\r\n\r\n`,
    `GET /v1/rooms HTTP/1.1\r\nHost: x\r\n${auth}X-A: a\rb\r\n\r\n`,
    `GET /v1/rooms HTTP/1.1\r\nHost: x\r\n${auth}X-A: a\r\n folded\r\n\r\n`,
    `GET /v1/rooms HTTP/1.1\r\nHost: x\r\n${auth}Bad Header: 1\r\n\r\n`,
    `POST /v1/rooms HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`,
    `POST /v1/rooms HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
    `POST /v1/rooms HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`,
    `POST /v1/rooms HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: -1\r\n\r\n`,
    `GET /v1/rooms HTTP/9.9\r\nHost: x\r\n${auth}\r\n`,
    `GET /v1/rooms HTTP/1.1\r\n${auth}\r\n`,
    `G@T /v1/rooms HTTP/1.1\r\nHost: x\r\n\r\n`,
    `GET /v1/ro\u007foms HTTP/1.1\r\nHost: x\r\n\r\n`,
    `GET /v1/rooms HTTP/1.1\r\nHost: x\r\n${auth}X-Long: ${'a'.repeat(20_000)}\r\n\r\n`,
  ];
  const generated = fc.tuple(hostileString, fc.uint8Array({ minLength: 1, maxLength: 64 })).map(
    ([text, bytes]) => `GET /v1/rooms HTTP/1.1\r\nHost: x\r\n${auth}X-Fuzz: ${text}${Buffer.from(bytes).toString('latin1')}\r\n\r\n`,
  );
  return fc.oneof(fc.constantFrom(...fixed), generated).map((raw): RestInput => ({ method: 'RAW', path: '', raw }));
}

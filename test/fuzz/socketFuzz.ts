import fc from 'fast-check';
import WebSocket from 'ws';
import { ParticipantClaimsSchema, RoleSchema } from '@roomcast/protocol';
import { encodeJson, hostileValue, mutated } from './hostile.js';
import { encodeComponent, rawPath } from './http.js';
import { signJwt, type TokenKeys, tokenVariants } from './jwt.js';
import { ROOMS } from './rooms.js';
import { draw, runPool } from './sampling.js';
import { schemaArbitrary, toJsonSchema } from './schemaArbitrary.js';
import type { Category, Tally } from './tally.js';

/*
 * Inputs that need a socket of their own: tokens at the upgrade, over-size messages and invalid
 * UTF-8 (the server closes the socket for both).
 */

export interface SocketFuzzContext {
  tally: Tally;
  seed: number;
  /** ws://host:port */
  wsBase: string;
  keys: TokenKeys;
}

interface TokenInput {
  query: string;
  /** `refuse`: a correct server never upgrades this; `any`: upgrading or a coded 4xx are both fine. */
  expect: 'refuse' | 'any';
  kind: string;
}

const MAX_PAYLOAD = 256 * 1024;
const SOCKET_TIMEOUT_MS = 5000;

function tokenInputs(keys: TokenKeys): fc.Arbitrary<TokenInput> {
  const validClaims = schemaArbitrary(toJsonSchema(ParticipantClaimsSchema)) as fc.Arbitrary<Record<string, unknown>>;
  const claims = fc.oneof(
    // Most genuine tokens name one room, so the fuzz does not fill the server with auto-created rooms.
    { arbitrary: validClaims.map((c) => ({ ...c, room: ROOMS.tokens })), weight: 4 },
    { arbitrary: validClaims, weight: 1 },
    { arbitrary: mutated(validClaims.map((c) => ({ ...c, room: ROOMS.tokens }))) as fc.Arbitrary<Record<string, unknown>>, weight: 3 },
    { arbitrary: fc.constant({ grants: { admin: true } }), weight: 1 },
    { arbitrary: hostileValue as fc.Arbitrary<Record<string, unknown>>, weight: 1 },
  );
  const forms: [(t: string) => string, boolean][] = [
    [(t) => `?token=${encodeComponent(t)}`, true], [(t) => `?token=${rawPath(t)}`, true], [(t) => `?token=${encodeComponent(t)}&token=${encodeComponent(t)}`, false],
    [(t) => `?TOKEN=${encodeComponent(t)}`, false], [() => '', false], [() => '?token=', false], [(t) => `?token[]=${encodeComponent(t)}`, false],
  ];
  return fc.tuple(tokenVariants(keys, claims), fc.nat(forms.length - 1), fc.nat(9)).map(([variant, form, roll]): TokenInput => {
    // The genuine form most of the time: the token, not the query syntax, is what is being fuzzed.
    const [write, formOk] = forms[roll < 7 ? 0 : form]!;
    const good = formOk && variant.genuine && ParticipantClaimsSchema.safeParse(variant.claims).success;
    return { query: write(variant.token), expect: good ? 'any' : 'refuse', kind: variant.kind };
  });
}

/** Tokens at /ws: only a genuine participant token may open a socket; every refusal is a coded 4xx. */
export async function fuzzTokens(ctx: SocketFuzzContext, count: number): Promise<void> {
  await runPool(draw(tokenInputs(ctx.keys), ctx.seed, 'ws-token', count), 4, async (input) => {
    const described = `GET /ws${input.query} (${input.kind}, expect ${input.expect})`;
    const mark = ctx.tally.mark();
    const result = await upgrade(`${ctx.wsBase}/ws${input.query}`);
    ctx.tally.input('ws-token');
    if (result.kind === 'refused') {
      ctx.tally.http('ws-token', described, result.status, result.body, mark);
    } else if (result.kind === 'opened') {
      ctx.tally.outcome('ws-token', 'upgraded');
      if (input.expect === 'refuse') ctx.tally.find('ws-token', 'accepted-bad-token', described, 'upgraded', mark);
      if (result.closeCode !== undefined) ctx.tally.closed('ws-token', described, result.closeCode, mark);
    } else {
      ctx.tally.find('ws-token', 'upgrade-error', described, result.error, mark);
    }
  });
}

type UpgradeResult = { kind: 'opened'; closeCode?: number } | { kind: 'refused'; status: number; body: string } | { kind: 'error'; error: string };

/** Tries the upgrade; an opened socket is closed again at once (the server may have closed it first). */
function upgrade(url: string): Promise<UpgradeResult> {
  return new Promise((resolve) => {
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch (error) {
      resolve({ kind: 'error', error: `client refused the URL: ${String(error)}` });
      return;
    }
    let opened = false;
    ws.on('open', () => {
      opened = true;
      ws.close(1000);
    });
    ws.on('close', (code) => resolve(opened ? { kind: 'opened', closeCode: code === 1000 || code === 1005 ? undefined : code } : { kind: 'error', error: `closed ${code} before opening` }));
    ws.on('unexpected-response', (_request, response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ kind: 'refused', status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', (error) => resolve({ kind: 'error', error: String(error) }));
    });
    ws.on('error', (error) => {
      if (!opened) resolve({ kind: 'error', error: String(error) });
    });
  });
}

interface FrameInput {
  describe: string;
  build: () => Buffer;
  binary: boolean;
}

function oversizeInputs(): fc.Arbitrary<FrameInput> {
  const size = fc.oneof({ arbitrary: fc.integer({ min: MAX_PAYLOAD + 1, max: 3 * MAX_PAYLOAD }), weight: 9 }, { arbitrary: fc.integer({ min: MAX_PAYLOAD - 1024, max: MAX_PAYLOAD - 64 }), weight: 1 });
  return fc.tuple(size, fc.constantFrom('json', 'text', 'binary')).map(([n, shape]): FrameInput => ({
    describe: `${shape} message of about ${n} bytes`,
    binary: shape === 'binary',
    build: () => (shape === 'json' ? Buffer.from(encodeJson({ id: 1, method: 'join', data: { rtpCapabilities: { pad: 'x'.repeat(n) } } })) : Buffer.alloc(n, shape === 'text' ? 0x61 : 0x00)),
  }));
}

const INVALID_UTF8 = [[0xff], [0xfe], [0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0x80]];

function badUtf8Inputs(): fc.Arbitrary<FrameInput> {
  return fc.tuple(fc.constantFrom(...INVALID_UTF8), fc.uint8Array({ maxLength: 32 }), fc.nat(2)).map(([bad, noise, where]): FrameInput => {
    const parts = [Buffer.from('{"id":1,"method":"'), Buffer.from(bad), Buffer.from(noise), Buffer.from('","data":{}}')];
    const bytes = where === 0 ? Buffer.concat([Buffer.from(bad), ...parts]) : where === 1 ? Buffer.concat(parts) : Buffer.concat([...parts, Buffer.from(bad)]);
    return { describe: `text frame with invalid UTF-8 ${bytes.toString('hex').slice(0, 120)}`, binary: false, build: () => bytes };
  });
}

let frameClients = 0;

/** Each frame on a fresh, joined-less participant socket: the server may close it, never with 1011, never crashing. */
async function fuzzFrames(ctx: SocketFuzzContext, category: Category, arb: fc.Arbitrary<FrameInput>, count: number): Promise<void> {
  await runPool(draw(arb, ctx.seed, category, count), 2, async (input) => {
    const claims = { sub: `fuzz-frame-${++frameClients}`, room: ROOMS.tokens, role: RoleSchema.enum.participant, iss: ctx.keys.apiKey, exp: Math.floor(Date.now() / 1000) + 600 };
    const url = `${ctx.wsBase}/ws?token=${signJwt({ alg: 'HS256', typ: 'JWT' }, claims, ctx.keys.apiSecret)}`;
    const mark = ctx.tally.mark();
    const outcome = await sendOnFreshSocket(url, input);
    ctx.tally.input(category);
    if (outcome.kind === 'closed') ctx.tally.closed(category, input.describe, outcome.code, mark);
    else if (outcome.kind === 'reply') ctx.tally.reply(category, input.describe, outcome.text, undefined, mark);
    else ctx.tally.find(category, outcome.kind, input.describe, outcome.detail, mark);
  });
}

type FrameOutcome = { kind: 'closed'; code: number } | { kind: 'reply'; text: string } | { kind: 'no-reply' | 'connect-failed'; detail: string };

function sendOnFreshSocket(url: string, input: FrameInput): Promise<FrameOutcome> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    let settled = false;
    let opened = false;
    const settle = (outcome: FrameOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ws.terminate();
      resolve(outcome);
    };
    const timer = setTimeout(() => settle({ kind: 'no-reply', detail: `no reply and no close within ${SOCKET_TIMEOUT_MS} ms` }), SOCKET_TIMEOUT_MS);
    ws.on('open', () => {
      opened = true;
      ws.send(input.build(), { binary: input.binary });
    });
    ws.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      if (/"ok":/.test(text)) settle({ kind: 'reply', text });
    });
    ws.on('close', (code) => settle({ kind: 'closed', code }));
    ws.on('unexpected-response', (_request, response) => settle({ kind: 'connect-failed', detail: `upgrade refused with ${response.statusCode}` }));
    // Once open, an error is followed by 'close', whose code is what counts.
    ws.on('error', (error) => {
      if (!opened) settle({ kind: 'connect-failed', detail: String(error) });
    });
  });
}

export const fuzzOversize = (ctx: SocketFuzzContext, count: number): Promise<void> => fuzzFrames(ctx, 'oversize', oversizeInputs(), count);
export const fuzzBadUtf8 = (ctx: SocketFuzzContext, count: number): Promise<void> => fuzzFrames(ctx, 'bad-utf8', badUtf8Inputs(), count);

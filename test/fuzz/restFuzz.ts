import type fc from 'fast-check';
import { encodeComponent, type HttpClient, type HttpReply, sendRaw } from './http.js';
import type { RestInput } from './restInputs.js';
import { KEEP_PREFIX, SCRATCH } from './rooms.js';
import { draw, runPool } from './sampling.js';
import type { Category, Tally } from './tally.js';

export interface RestFuzzContext {
  http: HttpClient;
  tally: Tally;
  adminToken: string;
  seed: number;
  /** The room `@scratch` stands for; replaced by a new one when a fuzzed DELETE removes it. */
  scratch: { name: string; next: number };
}

const CONCURRENCY = 8;

/** Sends `count` inputs of `arb` and checks every reply (see Tally.http), then undoes what valid inputs created. */
export async function fuzzRest(ctx: RestFuzzContext, category: Category, arb: fc.Arbitrary<RestInput>, count: number): Promise<void> {
  await runPool(draw(arb, ctx.seed, category, count), CONCURRENCY, (input) => sendOne(ctx, category, input));
}

async function sendOne(ctx: RestFuzzContext, category: Category, input: RestInput): Promise<void> {
  const path = input.path.replaceAll(SCRATCH, ctx.scratch.name);
  const described = describe(input, path);
  const mark = ctx.tally.mark();
  let reply: HttpReply;
  try {
    reply = input.raw !== undefined ? await sendRaw(ctx.http.base, Buffer.from(input.raw, 'latin1')) : await ctx.http.send({ method: input.method, path, headers: headersOf(input, ctx.adminToken), body: input.body });
  } catch (error) {
    ctx.tally.input(category);
    ctx.tally.find(category, 'no-reply', described, String(error), mark);
    return;
  }
  ctx.tally.input(category);
  if (input.raw !== undefined && reply.status === 0) return ctx.tally.outcome(category, 'closed without an answer');
  if (input.method === 'HEAD') {
    // A HEAD answer has no body to carry the error code: only the status can be checked.
    if (reply.status >= 500) ctx.tally.http(category, described, reply.status, reply.body, mark);
    else ctx.tally.outcome(category, `HEAD ${reply.status}`);
  } else {
    ctx.tally.http(category, described, reply.status, reply.body, mark);
  }
  checkCredentials(ctx.tally, category, input, described, reply);
  if (reply.status < 300 && /root:x:0:0|"name":\s*"(roomcast|@roomcast\/)/.test(reply.body)) {
    ctx.tally.find(category, 'path-traversal', described, reply.body, mark);
  }
  await undo(ctx, input, path, reply);
}

function headersOf(input: RestInput, adminToken: string): Record<string, string> {
  const headers: Record<string, string> = { ...input.extraHeaders };
  if (input.contentType !== undefined) headers['content-type'] = input.contentType;
  // Header fuzz sets (or omits) Authorization itself; the other categories are admin calls.
  if (input.authorization !== undefined) headers.authorization = input.authorization;
  else if (input.credentials === undefined) headers.authorization = `Bearer ${adminToken}`;
  return headers;
}

/** Codes the header routes answer only once the credentials were accepted and the handler ran. */
const HANDLER_RAN = /"code":"(room_not_found|conflict|limit_exceeded)"/;

function checkCredentials(tally: Tally, category: Category, input: RestInput, described: string, reply: HttpReply): void {
  const refused = reply.status === 401 || reply.status === 403;
  const handled = reply.status < 400 || HANDLER_RAN.test(reply.body);
  if (input.credentials === 'refuse' && handled) tally.find(category, 'accepted-bad-credentials', described, `${reply.status} ${reply.body}`);
  if (input.credentials === 'accept' && refused) tally.find(category, 'refused-good-credentials', described, `${reply.status} ${reply.body}`);
}

/** Valid inputs change state: created rooms are deleted again and started broadcasts stopped, so the run ends where it began. */
async function undo(ctx: RestFuzzContext, input: RestInput, path: string, reply: HttpReply): Promise<void> {
  if (reply.status >= 300) return;
  const admin = (method: string, target: string) =>
    ctx.http.send({ method, path: target, headers: { authorization: `Bearer ${ctx.adminToken}` } }).catch(() => undefined);
  const body = parse(reply.body);
  if (input.method === 'POST' && path === '/v1/rooms') {
    const name = (body as { room?: { name?: string } } | undefined)?.room?.name;
    if (name && !name.startsWith(KEEP_PREFIX)) await admin('DELETE', `/v1/rooms/${encodeComponent(name)}`);
  } else if (input.method === 'POST' && path === '/v1/demo/tokens') {
    const name = (body as { room?: string } | undefined)?.room;
    if (name && !name.startsWith(KEEP_PREFIX)) await admin('DELETE', `/v1/rooms/${encodeComponent(name)}`);
  } else if (input.method === 'POST' && /\/rtmp_broadcasts$/.test(path)) {
    await admin('POST', `${path}/stop`);
  } else if (input.method === 'POST' && /\/live_streams$/.test(path)) {
    const id = (body as { id?: string } | undefined)?.id;
    if (id) await admin('POST', `/v1/live_streams/${encodeComponent(id)}/stop`);
  } else if (input.method === 'DELETE' && path === `/v1/rooms/${ctx.scratch.name}`) {
    ctx.scratch.name = `fuzz-scratch-${++ctx.scratch.next}`;
    await ctx.http.send({ method: 'POST', path: '/v1/rooms', headers: { authorization: `Bearer ${ctx.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: ctx.scratch.name }) }).catch(() => undefined);
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(input: RestInput, path: string): string {
  if (input.raw !== undefined) return `raw ${input.raw}`;
  const parts = [`${input.method} ${path}`];
  if (input.authorization !== undefined) parts.push(`authorization=${input.authorization}`);
  if (input.credentials) parts.push(input.credentials === "accept" ? "(good credentials)" : "(bad credentials)");
  if (input.contentType !== undefined) parts.push(`content-type=${input.contentType}`);
  if (input.extraHeaders) parts.push(`headers=${JSON.stringify(input.extraHeaders)}`);
  if (input.body !== undefined) parts.push(`body=${input.body}`);
  return parts.join(' ');
}

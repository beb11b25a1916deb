import { preview, type Category, type Tally } from './tally.js';
import { draw, runPool } from './sampling.js';
import { METHODS, OPUS_PARAMETERS, VALID_DTLS, VP8_PARAMETERS, type SignalInput, binaryInputs, burstInputs, envelopeInputs, methodInputs, requestText } from './signalingInputs.js';
import { type Exchange, FuzzClient } from './wsClient.js';

/** Who the long-lived clients are: joined publishers and subscribers, a viewer, and participants that never join. */
export interface ClientProfile {
  name: string;
  room: string;
  role: 'moderator' | 'participant' | 'viewer';
  join: boolean;
  publish: boolean;
}

export interface SignalingFuzzContext {
  tally: Tally;
  seed: number;
  clients: FuzzClient[];
  burstClient: FuzzClient;
  routerRtpCapabilities: unknown;
}

let nextId = 1;

/** One request outside the counted inputs (setup), its reply still checked. */
async function call(tally: Tally, client: FuzzClient, method: string, data: unknown): Promise<Record<string, unknown> | undefined> {
  const text = JSON.stringify({ id: nextId++, method, data });
  const mark = tally.mark();
  const exchange = await client.exchange(text, { paced: false });
  if (exchange.kind !== 'reply') return undefined;
  tally.reply('signaling', `setup of ${client.name}: ${text}`, exchange.text, method, mark);
  const reply = JSON.parse(exchange.text) as { ok: boolean; data?: Record<string, unknown> };
  return reply.ok ? reply.data : undefined;
}

/** A client as a real one starts: join with the router's capabilities, transports, and for publishers a camera and a microphone. */
export function setupFor(profile: ClientProfile, tally: Tally): (client: FuzzClient) => Promise<void> {
  return async (client) => {
    if (!profile.join) return;
    const caps = await call(tally, client, 'getRouterRtpCapabilities', {});
    if (!(await call(tally, client, 'join', { rtpCapabilities: caps?.rtpCapabilities ?? {} }))) return;
    for (const direction of profile.publish ? ['send', 'recv'] : ['recv']) {
      const transport = await call(tally, client, 'createTransport', { direction });
      if (typeof transport?.id !== 'string') continue;
      await call(tally, client, 'connectTransport', { transportId: transport.id, dtlsParameters: VALID_DTLS });
      if (direction !== 'send') continue;
      await call(tally, client, 'produce', { transportId: transport.id, kind: 'video', source: 'camera', rtpParameters: VP8_PARAMETERS });
      await call(tally, client, 'produce', { transportId: transport.id, kind: 'audio', source: 'microphone', rtpParameters: OPUS_PARAMETERS });
    }
  };
}

/** Sends one message on `client` and judges what came back. */
async function judge(tally: Tally, category: Category, client: FuzzClient, payload: string | Buffer, method: string | undefined, binary = false): Promise<void> {
  const described = `${client.name}: ${typeof payload === 'string' ? payload : `binary ${payload.toString('base64').slice(0, 200)}`}`;
  const mark = tally.mark();
  let exchange: Exchange;
  try {
    exchange = await client.exchange(payload, { binary });
  } catch (error) {
    tally.find(category, 'reconnect-failed', described, String(error), mark);
    return;
  }
  tally.input(category);
  judgeExchange(tally, category, described, exchange, method, mark);
  if (exchange.kind === 'timeout') client.terminate();
}

function judgeExchange(tally: Tally, category: Category, described: string, exchange: Exchange, method: string | undefined, mark: number): void {
  if (exchange.kind === 'reply') tally.reply(category, described, exchange.text, method, mark);
  else if (exchange.kind === 'closed') tally.closed(category, described, exchange.code, mark);
  else tally.find(category, 'no-reply', described, 'no reply and no close within 5 s', mark);
}

/** Every method of `Requests`, in turn, with fuzzed data, spread over the clients (one message in flight per client). */
export async function fuzzSignaling(ctx: SignalingFuzzContext, count: number): Promise<void> {
  const perMethod = Math.ceil(count / METHODS.length);
  const streams = METHODS.map((method) => draw(methodInputs(method, ctx.routerRtpCapabilities), ctx.seed, `signaling:${method}`, perMethod));
  // Round robin over the methods, so every method gets its share even when `count` is small.
  function* interleaved(): Generator<SignalInput> {
    let sent = 0;
    while (sent < count) {
      for (const stream of streams) {
        const next = stream.next();
        if (next.done || sent >= count) continue;
        sent++;
        yield next.value;
      }
    }
  }
  await runPool(interleaved(), ctx.clients.length, async (input, lane) => {
    const client = ctx.clients[lane]!;
    await judge(ctx.tally, 'signaling', client, requestText(input, nextId++, client), input.method);
  });
}

export async function fuzzEnvelopes(ctx: SignalingFuzzContext, count: number): Promise<void> {
  await runPool(draw(envelopeInputs(), ctx.seed, 'envelope', count), ctx.clients.length, (text, lane) => judge(ctx.tally, 'envelope', ctx.clients[lane]!, text, undefined));
}

export async function fuzzBinary(ctx: SignalingFuzzContext, count: number): Promise<void> {
  await runPool(draw(binaryInputs(), ctx.seed, 'binary', count), ctx.clients.length, (bytes, lane) => judge(ctx.tally, 'binary', ctx.clients[lane]!, bytes, undefined, true));
}

/** Rapid sequences on one socket: each request gets a reply (possibly `rate_limited`) until a flood closes the socket. */
export async function fuzzBursts(ctx: SignalingFuzzContext, bursts: number): Promise<void> {
  for (const inputs of draw(burstInputs(ctx.routerRtpCapabilities), ctx.seed, 'burst', bursts)) {
    const client = ctx.burstClient;
    try {
      await client.ensureOpen();
    } catch (error) {
      ctx.tally.find('burst', 'reconnect-failed', client.name, String(error));
      continue;
    }
    const texts = inputs.map((input) => requestText(input, nextId++, client));
    const mark = ctx.tally.mark();
    const exchanges = await client.burst(texts);
    ctx.tally.input('burst', texts.length);
    const described = `${client.name}: burst of ${texts.length}, first ${preview(texts[0] ?? '')}`;
    for (const exchange of exchanges) judgeExchange(ctx.tally, 'burst', described, exchange, undefined, mark);
    const last = exchanges.at(-1);
    if (exchanges.length < texts.length && last?.kind !== 'closed') {
      ctx.tally.find('burst', 'missing-replies', described, `${exchanges.length} replies to ${texts.length} requests, socket still open`, mark);
    }
    // Let the bucket refill, so the next burst starts like a fresh client would.
    client.terminate();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export function createClients(profiles: ClientProfile[], tokenUrl: (profile: ClientProfile) => Promise<string>, tally: Tally): Promise<FuzzClient[]> {
  return Promise.all(profiles.map(async (profile) => new FuzzClient(profile.name, await tokenUrl(profile), setupFor(profile, tally))));
}

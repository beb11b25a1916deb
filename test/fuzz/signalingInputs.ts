import fc from 'fast-check';
import { type Method, Requests } from '@roomcast/protocol';
import { encodeJson, hostileString, hostileValue, PROTOTYPE_KEYS, sanitizeStreamUrls } from './hostile.js';
import { fuzzValue } from './schemaArbitrary.js';
import type { FuzzClient, IdKind } from './wsClient.js';

/** A request for one signaling method; `data` may hold `@id:<kind>` placeholders for the client's real ids. */
export interface SignalInput {
  method: string;
  data: unknown;
  /** No `data` key at all. */
  absent?: boolean;
}

export const METHODS = Object.keys(Requests) as Method[];

/** What mediasoup-client sends: DTLS parameters and the RTP parameters of a VP8 and an Opus sender. */
export const VALID_DTLS = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).toUpperCase().padStart(2, '0')).join(':') }] };
export const VP8_PARAMETERS = {
  mid: '0',
  codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, parameters: {}, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }] }],
  headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 }],
  encodings: [{ ssrc: 11111111 }],
  rtcp: { cname: 'fuzz', reducedSize: true },
};
export const OPUS_PARAMETERS = {
  mid: '1',
  codecs: [{ mimeType: 'audio/opus', payloadType: 111, clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } }],
  headerExtensions: [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 }],
  encodings: [{ ssrc: 22222222 }],
  rtcp: { cname: 'fuzz', reducedSize: true },
};

const placeholder = (kind: IdKind): string => `@id:${kind}`;

/** Per property name, values known to be right: the generator uses them, and mutates them. */
function examples(routerRtpCapabilities: unknown): Record<string, unknown[]> {
  return {
    rtpCapabilities: [routerRtpCapabilities, {}],
    dtlsParameters: [VALID_DTLS],
    rtpParameters: [VP8_PARAMETERS, OPUS_PARAMETERS],
    transportId: [placeholder('transportId')],
    producerId: [placeholder('producerId')],
    consumerId: [placeholder('consumerId')],
  };
}

/** Inputs for one method: data from its request schema (valid, mutated or hostile), or no data at all. */
export function methodInputs(method: Method, routerRtpCapabilities: unknown): fc.Arbitrary<SignalInput> {
  const data = fuzzValue(Requests[method].request, examples(routerRtpCapabilities));
  return fc.oneof(
    { arbitrary: data.map((d): SignalInput => ({ method, data: sanitizeStreamUrls(d) })), weight: 12 },
    { arbitrary: fc.constant<SignalInput>({ method, data: undefined, absent: true }), weight: 1 },
  );
}

/** Replaces `@id:<kind>` placeholders with ids the client holds (or a stale-looking one when it holds none). */
export function resolveIds(value: unknown, client: FuzzClient, salt: number, depth = 0): unknown {
  if (typeof value === 'string' && value.startsWith('@id:')) {
    const ids = client.ids[value.slice(4) as IdKind] ?? [];
    return ids.length ? ids[salt % ids.length] : '00000000-0000-4000-8000-000000000000';
  }
  if (depth > 20 || !value || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => resolveIds(item, client, salt, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveIds(v, client, salt, depth + 1)]));
}

export function requestText(input: SignalInput, id: number | string, client: FuzzClient): string {
  if (input.absent) return encodeJson({ id, method: input.method });
  return encodeJson({ id, method: input.method, data: resolveIds(input.data, client, typeof id === 'number' ? id : 0) });
}

const BROKEN = [
  '', ' ', 'null', 'true', '1', '"x"', '[]', '{}', '{"id":1}', '{"method":"join"}', '{"id":1,"method":"join","data":', '{"id":1,,}', "{'id':1}",
  '\ufeff{"id":1,"method":"getRouterRtpCapabilities"}', '{"id":1,"id":"x","method":"leave","method":"getRouterRtpCapabilities"}',
  '{"id":1e999,"method":"getRouterRtpCapabilities"}', '{"id":-0,"method":"getRouterRtpCapabilities"}',
  '{"id":123456789012345678901234567890,"method":"getRouterRtpCapabilities"}', '{"id":1.5,"method":"getRouterRtpCapabilities"}',
  '{"id":1,"method":"getRouterRtpCapabilities","data":null}', '{"id":1,"method":"getRouterRtpCapabilities","data":[]}',
  '{"__proto__":{"ok":true},"id":1,"method":"__proto__"}', '{"id":{"__proto__":null},"method":"join"}',
];

/** Envelopes: ids, methods and data of every wrong type and size, unknown methods, and text that is not JSON. */
export function envelopeInputs(): fc.Arbitrary<string> {
  const id = fc.oneof(fc.integer(), fc.string({ maxLength: 64 }), fc.string({ minLength: 65, maxLength: 5000 }), hostileValue);
  const method = fc.oneof(fc.constantFrom<string>(...METHODS), fc.constantFrom(...PROTOTYPE_KEYS, 'JOIN', 'join ', 'join\u0000', ''), hostileString, hostileValue);
  const envelope = fc.record({ id, method, data: hostileValue }, { requiredKeys: [] }).map(encodeJson);
  const deep = fc.tuple(fc.integer({ min: 1000, max: 200_000 }), fc.constantFrom('[', '{"a":')).map(([n, open]) => open.repeat(n) + (open === '[' ? ']' : '1}').repeat(n));
  return fc.oneof(
    { arbitrary: envelope, weight: 8 },
    { arbitrary: fc.constantFrom(...BROKEN), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 300 }), weight: 1 },
    { arbitrary: deep, weight: 1 },
  );
}

/** Binary frames: random bytes, and valid requests that arrive as binary instead of text. */
export function binaryInputs(): fc.Arbitrary<Buffer> {
  return fc.oneof(
    fc.uint8Array({ maxLength: 65_536 }).map((bytes) => Buffer.from(bytes)),
    fc.constantFrom(...METHODS).map((method) => Buffer.from(encodeJson({ id: 1, method, data: {} }))),
  );
}

/** A rapid sequence: many requests at once on one socket, cheap ones and fuzzed ones mixed. */
export function burstInputs(routerRtpCapabilities: unknown): fc.Arbitrary<SignalInput[]> {
  const cheap = fc.constant<SignalInput>({ method: 'getRouterRtpCapabilities', data: {} });
  const any = fc.constantFrom(...METHODS).chain((method) => methodInputs(method, routerRtpCapabilities));
  return fc.integer({ min: 30, max: 260 }).chain((n) => fc.array(fc.oneof({ arbitrary: cheap, weight: 3 }, { arbitrary: any, weight: 1 }), { minLength: n, maxLength: n }));
}

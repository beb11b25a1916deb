import fc from 'fast-check';

/*
 * Values a hostile client sends: wrong types, huge and strange strings, prototype keys, deep
 * nesting, and numbers that JSON text can carry but JSON.stringify cannot write (-0, 1e999).
 */

/** JSON.stringify cannot write -0 or 1e999: such numbers travel as a marker string that `encodeJson` unwraps. */
const rawNumber = (text: string): string => `@@raw(${text})@@`;
const RAW_NUMBER = /"@@raw\(([-+.\deE]+)\)@@"/g;

/** JSON text of `value`, with raw-number markers turned into the bare numbers they stand for. */
export function encodeJson(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(RAW_NUMBER, '$1');
}

/** Keys that reach `Object.prototype` or look like it when code copies objects carelessly. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** An object with own keys exactly as given (`__proto__` included), the way JSON.parse builds one. */
export const objectFrom = (entries: [string, unknown][]): Record<string, unknown> => Object.fromEntries(entries);

/** Stream URLs the fuzz may send: each one points at the discard port on loopback, which nothing answers. */
export const SAFE_STREAM_URLS = [
  'rtmp://127.0.0.1:9/x',
  'rtmps://127.0.0.1:9/live',
  'RTMP://127.0.0.1:9/x',
  'rtmp://user:pass@127.0.0.1:9/x',
  'rtmp://127.0.0.1:9/x?key=secret',
];

/** Any string starting like an RTMP URL becomes one that points at the closed port 9 on loopback. */
export function sanitizeStreamUrls(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return /^\s*rtmps?:/i.test(value) && !SAFE_STREAM_URLS.includes(value) ? SAFE_STREAM_URLS[0] : value;
  if (depth > 50 || !value || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => sanitizeStreamUrls(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, sanitizeStreamUrls(v, depth + 1)]));
}

const SPECIAL_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\r\n', 'x\r\ninjected: 1', '\t', '../../../etc/passwd', '..', '.', '/', '%00', '%2e%2e%2f',
  '%', '%zz', '${jndi:ldap://x}', '<script>alert(1)</script>', "' OR 1=1 --", '\u202eevil', '\ufeff', '\ud800', '\udfff',
  '🎥📡', '名前', 'Zürich', 'null', 'undefined', 'true', 'NaN', '-0', '1e999', '0x10', ...PROTOTYPE_KEYS,
  'file:///etc/passwd', 'pipe:1', 'concat:a|b', 'http://169.254.169.254/latest/meta-data', ...SAFE_STREAM_URLS,
  'rtmp://127.0.0.1:9/x\nkey', 'rtmp://127.0.0.1:9/x|y', 'send', 'recv', 'video', 'audio', 'moderator', 'grid',
];

const NUMBERS: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(0, 1, -1, 0.5, 1e308, -1e308, 2 ** 53 + 1, -(2 ** 31), 2 ** 32, 4294967296, 5e-324, 127, 128, 255, 256, 65536),
  fc.constantFrom(rawNumber('-0'), rawNumber('1e999'), rawNumber('-1e999'), rawNumber('1e-400'), rawNumber('123456789012345678901234567890')),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Strings: every Unicode code point (lone surrogates included), control characters, hostile classics, huge. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...SPECIAL_STRINGS), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.tuple(fc.constantFrom('A', 'é', '\u0000', '𝄞', '../', '%'), fc.integer({ min: 65, max: 40_000 })).map(([s, n]) => s.repeat(n)), weight: 1 },
);

/** Deeply nested arrays or objects: parsers and loggers that recurse meet their stack limit here. */
const deepValue: fc.Arbitrary<unknown> = fc.tuple(fc.integer({ min: 20, max: 3000 }), fc.boolean()).map(([depth, asObject]) => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  return value;
});

const prototypeObject: fc.Arbitrary<unknown> = fc
  .array(fc.tuple(fc.constantFrom(...PROTOTYPE_KEYS), fc.constantFrom<unknown>({ admin: true }, { polluted: 1 }, null, 'x', [])), { minLength: 1, maxLength: 3 })
  .map(objectFrom);

const bigArray: fc.Arbitrary<unknown> = fc.integer({ min: 100, max: 20_000 }).map((n) => new Array<number>(n).fill(0));

/** Any hostile JSON value (a leaf, a container, or something pathological). */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    { arbitrary: hostileString, weight: 4 },
    { arbitrary: NUMBERS, weight: 3 },
    { arbitrary: fc.constantFrom<unknown>(true, false, null), weight: 2 },
    { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 1 },
    { arbitrary: fc.array(fc.tuple(fc.oneof(hostileString, fc.constantFrom(...PROTOTYPE_KEYS)), tie('value')), { maxLength: 4 }).map(objectFrom), weight: 1 },
    { arbitrary: prototypeObject, weight: 1 },
    { arbitrary: deepValue, weight: 1 },
    { arbitrary: bigArray, weight: 1 },
  ),
})).value;

type Path = (string | number)[];

/** Every place in a JSON tree where a mutation can land, the root included. */
function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (out.length > 200) return out;
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const key of Object.keys(value)) pathsOf((value as Record<string, unknown>)[key], [...prefix, key], out);
  return out;
}

type Mutation = 'replace' | 'delete' | 'add-key' | 'wrap-array' | 'stringify';

/** Returns a copy of `value` with one node changed: replaced, removed, wrapped, or given an unknown key. */
function mutateAt(value: unknown, path: Path, mutation: Mutation, hostile: unknown, key: string): unknown {
  if (path.length === 0) return applyMutation(value, mutation, hostile, key);
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && mutation === 'delete') copy.splice(head as number, 1);
    else copy[head as number] = mutateAt(copy[head as number], rest, mutation, hostile, key);
    return copy;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (rest.length === 0 && mutation === 'delete') return objectFrom(entries.filter(([k]) => k !== head));
  return objectFrom(entries.map(([k, v]) => [k, k === head ? mutateAt(v, rest, mutation, hostile, key) : v]));
}

function applyMutation(node: unknown, mutation: Mutation, hostile: unknown, key: string): unknown {
  switch (mutation) {
    case 'add-key':
      return node && typeof node === 'object' && !Array.isArray(node) ? objectFrom([...Object.entries(node), [key, hostile]]) : hostile;
    case 'wrap-array':
      return [node];
    case 'stringify':
      return encodeJson(node);
    default:
      return hostile;
  }
}

/** `valid` with one node mutated: the shape is nearly right, so the value gets past shallow checks. */
export function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.nat(), fc.constantFrom<Mutation>('replace', 'replace', 'delete', 'add-key', 'wrap-array', 'stringify'), hostileValue, fc.oneof(fc.constantFrom(...PROTOTYPE_KEYS), hostileString))
    .map(([value, pick, mutation, hostile, key]) => {
      const paths = pathsOf(value);
      return mutateAt(value, paths[pick % paths.length]!, mutation, hostile, key);
    });
}

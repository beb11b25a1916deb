import fc from 'fast-check';
import { hostileString, hostileValue, mutated } from './hostile.js';

/*
 * fast-check arbitraries derived from the protocol's zod schemas, through their `toJSONSchema()`.
 * (zod-fast-check supports zod 3 only.) The subset covers what zod emits for our schemas: objects
 * (strict, loose, records), arrays, enums, literals, patterns, bounds, unions, nullables and $refs.
 * Refinements (`.refine`) do not survive the conversion: values that break them are simply invalid
 * inputs, which the fuzz wants anyway.
 */

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
}

/** Per property name: known-good values to use (and mutate) beside what the schema alone would give. */
export type Examples = Record<string, unknown[]>;

/** How big generated collections get: real messages are small, and the hostile values cover "huge". */
const MAX_GENERATED_ITEMS = 4;
const MAX_GENERATED_LENGTH = 40;

/** A zod 4 schema, seen only through its JSON Schema export (zod itself is the protocol package's dependency). */
export interface SchemaSource {
  toJSONSchema(params?: { io?: 'input' | 'output'; unrepresentable?: 'any' | 'throw'; cycles?: 'ref' | 'throw'; reused?: 'inline' | 'ref' }): unknown;
}

export function toJsonSchema(schema: SchemaSource): JsonSchema {
  // Input side: what a client may send (defaults optional), before transforms.
  return schema.toJSONSchema({ io: 'input', unrepresentable: 'any', cycles: 'ref', reused: 'inline' }) as JsonSchema;
}

/** Values that fit `schema`'s shape (bounds, enums, patterns), with `examples` mixed in by property name. */
export function schemaArbitrary(schema: JsonSchema, examples: Examples = {}): fc.Arbitrary<unknown> {
  const root = schema;
  const build = (node: JsonSchema, depth: number): fc.Arbitrary<unknown> => {
    if (depth > 12) return fc.constant(null);
    if (node.$ref) return build(resolveRef(root, node.$ref), depth + 1);
    const union = node.anyOf ?? node.oneOf;
    if (union) return fc.oneof(...union.map((branch) => build(branch, depth + 1)));
    if (node.allOf?.length) return build(node.allOf[0]!, depth + 1);
    if ('const' in node) return fc.constant(node.const);
    if (node.enum) return fc.constantFrom(...node.enum);
    const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
    if (types.length > 1) return fc.oneof(...types.map((type) => build({ ...node, type }, depth)));
    switch (types[0]) {
      case 'object':
        return objectArbitrary(node, (child) => build(child, depth + 1), examples);
      case 'array':
        return arrayArbitrary(node, (child) => build(child, depth + 1));
      case 'string':
        return stringArbitrary(node);
      case 'integer':
        return fc.integer({ min: lower(node, -(2 ** 31)), max: upper(node, 2 ** 31) });
      case 'number':
        return fc.double({ min: lower(node, -1e9), max: upper(node, 1e9), noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      default:
        // `{}`: anything. Plain JSON mostly, hostile sometimes.
        return fc.oneof({ arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 3 }, { arbitrary: hostileValue, weight: 1 });
    }
  };
  return build(schema, 0);
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema {
  const name = /^#\/\$defs\/(.+)$/.exec(ref)?.[1];
  const target = name ? root.$defs?.[name] : ref === '#' ? root : undefined;
  if (!target) throw new Error(`unsupported $ref ${ref}`);
  return target;
}

const lower = (node: JsonSchema, fallback: number): number =>
  node.minimum ?? (node.exclusiveMinimum !== undefined ? node.exclusiveMinimum + 1 : fallback);
const upper = (node: JsonSchema, fallback: number): number =>
  node.maximum ?? (node.exclusiveMaximum !== undefined ? node.exclusiveMaximum - 1 : fallback);

function stringArbitrary(node: JsonSchema): fc.Arbitrary<string> {
  const minLength = node.minLength ?? 0;
  const maxLength = node.maxLength ?? MAX_GENERATED_LENGTH;
  const fits = (s: string): boolean => s.length >= minLength && s.length <= maxLength;
  if (node.pattern) {
    // Patterns are anchored or not; either way the generated string matches as a whole.
    return fc.stringMatching(new RegExp(node.pattern), { size: 'small' }).filter(fits);
  }
  const cap = Math.min(maxLength, Math.max(minLength, MAX_GENERATED_LENGTH));
  return fc.oneof(
    { arbitrary: fc.string({ minLength, maxLength: cap }), weight: 4 },
    { arbitrary: fc.string({ unit: 'binary', minLength, maxLength: cap }), weight: 1 },
    // The longest string the schema allows: off-by-one bugs live at the bound.
    { arbitrary: fc.constant('x'.repeat(maxLength)), weight: node.maxLength === undefined ? 0 : 1 },
    { arbitrary: hostileString.filter(fits), weight: 1 },
  );
}

function arrayArbitrary(node: JsonSchema, child: (node: JsonSchema) => fc.Arbitrary<unknown>): fc.Arbitrary<unknown[]> {
  if (node.prefixItems) return fc.tuple(...node.prefixItems.map(child));
  const minLength = node.minItems ?? 0;
  const maxLength = Math.max(minLength, Math.min(node.maxItems ?? MAX_GENERATED_ITEMS, MAX_GENERATED_ITEMS));
  return fc.array(node.items ? child(node.items) : fc.jsonValue({ maxDepth: 1 }), { minLength, maxLength });
}

function objectArbitrary(node: JsonSchema, child: (node: JsonSchema) => fc.Arbitrary<unknown>, examples: Examples): fc.Arbitrary<unknown> {
  const properties = node.properties ?? {};
  const required = new Set(node.required ?? []);
  const withExamples = (key: string, arb: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => {
    const known = examples[key];
    return known?.length ? fc.oneof({ arbitrary: arb, weight: 1 }, { arbitrary: fc.constantFrom(...known), weight: 2 }) : arb;
  };
  const model = Object.fromEntries(Object.entries(properties).map(([key, schema]) => [key, withExamples(key, child(schema))]));
  const known = fc.record(model, { requiredKeys: [...required].filter((key) => key in model) });
  const extra = node.additionalProperties;
  if (extra === false || (Object.keys(properties).length > 0 && extra === undefined)) return known;
  // Records and loose objects: a few more keys of the allowed kind.
  const extraValue = extra && typeof extra === 'object' && Object.keys(extra).length > 0 ? child(extra) : fc.jsonValue({ maxDepth: 1 });
  const more = fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), extraValue, { maxKeys: Object.keys(properties).length > 0 ? 2 : MAX_GENERATED_ITEMS });
  return fc.tuple(known, more).map(([fixed, added]) => Object.fromEntries([...Object.entries(added), ...Object.entries(fixed as object)]));
}

/** Valid-shaped values of `schema`, the same with one node mutated, or anything hostile. */
export function fuzzValue(schema: SchemaSource, examples: Record<string, unknown[]> = {}): fc.Arbitrary<unknown> {
  const valid = schemaArbitrary(toJsonSchema(schema), examples);
  return fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: mutated(valid), weight: 4 }, { arbitrary: hostileValue, weight: 2 });
}

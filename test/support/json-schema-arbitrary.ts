import fc from 'fast-check';

/** The part of JSON Schema the API's document uses (what `z.toJSONSchema` emits for its schemas). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
}

/** fast-check cannot generate from lookarounds: generate without them, then keep what the whole pattern matches. */
const withoutLookarounds = (pattern: string) => pattern.replace(/\(\?[=!][^()]*\)/g, '');

function stringOf(s: JsonSchema): fc.Arbitrary<string> {
  const patterns = [s.pattern, ...(s.allOf ?? []).map((p) => p.pattern)].filter((p): p is string => p !== undefined);
  const fits = (v: string) => v.length >= (s.minLength ?? 0) && v.length <= (s.maxLength ?? Infinity) && patterns.every((p) => new RegExp(p).test(v));
  let base: fc.Arbitrary<string>;
  if (s.format === 'date-time') base = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
  else if (s.format === 'date')
    base = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  else if (s.format === 'email') base = fc.emailAddress();
  else if (patterns[0] !== undefined) base = fc.stringMatching(new RegExp(withoutLookarounds(patterns[0])));
  else base = fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 40) });
  return base.filter(fits);
}

function numberOf(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const min = s.minimum ?? (s.exclusiveMinimum === undefined ? -1e6 : s.exclusiveMinimum + (integer ? 1 : 1e-6));
  const max = s.maximum ?? (s.exclusiveMaximum === undefined ? 1e6 : s.exclusiveMaximum - (integer ? 1 : 1e-6));
  return integer ? fc.integer({ min: Math.ceil(min), max: Math.floor(max) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
}

/** Values the schema accepts, as a client reading the document would send them. */
export function arbitraryOf(s: JsonSchema): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum !== undefined) return fc.constantFrom(...s.enum);
  const options = s.anyOf ?? s.oneOf;
  if (options !== undefined) return fc.oneof(...options.map(arbitraryOf));
  const types = Array.isArray(s.type) ? s.type : s.type === undefined ? [] : [s.type];
  if (types.length > 1) return fc.oneof(...types.map((t) => arbitraryOf({ ...s, type: t })));
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return numberOf(s, true);
    case 'number':
      return numberOf(s, false);
    case 'string':
      return stringOf(s);
    case 'array':
      return fc.array(arbitraryOf(s.items ?? {}), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 3, 3) });
    case 'object':
      return objectOf(s);
    default:
      return fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean());
  }
}

function objectOf(s: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
  const props = s.properties ?? {};
  const required = new Set(s.required ?? []);
  const known = fc.record(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, arbitraryOf(v)])), {
    requiredKeys: [...required].filter((k) => k in props),
  });
  if (typeof s.additionalProperties !== 'object') return known;
  // A record: keys as the document names them, at least as many as it asks for.
  const keys =
    s.propertyNames === undefined ? fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/) : (arbitraryOf({ type: 'string', ...s.propertyNames }) as fc.Arbitrary<string>);
  const extra = fc.dictionary(keys, arbitraryOf(s.additionalProperties), { minKeys: s.minProperties ?? 0, maxKeys: Math.min(s.maxProperties ?? 3, 3) });
  return fc.tuple(known, extra).map(([a, b]) => ({ ...b, ...a }));
}

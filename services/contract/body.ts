import { z } from 'zod';
import type { CommandContract } from './commands';

export interface JsonObjectSchema {
  type?: string;
  properties?: Record<string, unknown>;
  required?: string[];
  [k: string]: unknown;
}

/** A zod schema as JSON Schema, as a caller writes the value (before defaults), without the `$schema` line. */
export function inputJsonSchema(schema: z.ZodType): JsonObjectSchema {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonObjectSchema;
  delete out.$schema;
  return out;
}

const bodySchemas = new Map<string, JsonObjectSchema>();

/** JSON Schema of the body (the data schema as a caller writes it, minus the path-filled fields); computed once per route. */
export function bodyJsonSchema(route: CommandContract): JsonObjectSchema {
  let body = bodySchemas.get(route.operationId);
  if (body === undefined) {
    body = computeBodyJsonSchema(route);
    bodySchemas.set(route.operationId, body);
  }
  return body;
}

function computeBodyJsonSchema(route: CommandContract): JsonObjectSchema {
  const schema = inputJsonSchema(route.data);
  const hidden = new Set(Object.keys(route.fromPath));
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([k]) => !hidden.has(k)));
  const required = (schema.required ?? []).filter((k) => !hidden.has(k) && !(route.defaultsToCaller ?? []).includes(k));
  // The server refuses a body field it does not know (400), so the document says so.
  const out: JsonObjectSchema = { ...schema, properties, additionalProperties: false };
  if (required.length > 0) out.required = required;
  else delete out.required;
  return out;
}

/** The fields a caller may send in the body: the data schema's, minus those the path fills. */
export function bodyFields(route: CommandContract): string[] {
  return Object.keys(bodyJsonSchema(route).properties ?? {});
}

/**
 * What the command's data schema says about a body, as the server will check it: the path's values filled in, and the
 * fields the path fills or the caller defaults (when left out) not held against the body.
 */
export function bodyIssues(route: CommandContract, params: Readonly<Record<string, string>>, body: Readonly<Record<string, unknown>>): z.core.$ZodIssue[] {
  const data: Record<string, unknown> = { ...body };
  for (const [field, param] of Object.entries(route.fromPath)) data[field] = params[param];
  const r = route.data.safeParse(data);
  if (r.success) return [];
  const fromPath = new Set(Object.keys(route.fromPath));
  const defaulted = new Set((route.defaultsToCaller ?? []).filter((f) => body[f] === undefined));
  return r.error.issues.filter((i) => {
    const field = i.path[0];
    return typeof field !== 'string' || !(fromPath.has(field) || defaulted.has(field));
  });
}

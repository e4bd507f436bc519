import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { bodyFields } from '../contract/body';
import type { PathParam } from '../contract/params';
import { API_PREFIX } from '../contract/paths';
import { COMMAND_ROUTES, type CommandRoute } from './command-routes';
import { Problem, validationProblem } from './problem';
import { READ_ROUTES } from './read-routes';

/* How the parts of a request (path, query, body, ?after=) are read and checked, each refusal naming the field. */

/** Commands take no query parameters. */
export const NO_QUERY = z.object({});

export const fastifyPath = (path: string) => `${API_PREFIX}${path.replace(/\{(\w+)\}/g, ':$1')}`;

/** Path parameters, each checked; a value that cannot name anything is a 404 naming the parameter. */
export function parseParams(defs: readonly PathParam[], raw: unknown): Record<string, string> {
  const values = (raw ?? {}) as Record<string, string>;
  for (const def of defs) {
    const r = def.schema.safeParse(values[def.name]);
    if (!r.success)
      throw new Problem(404, 'not_found', `no such ${def.name} "${values[def.name]}": ${r.error.issues[0]?.message ?? 'invalid'}`, [
        { field: `path.${def.name}`, message: r.error.issues[0]?.message ?? 'invalid' },
      ]);
  }
  return values;
}

export function parseQuery(schema: z.ZodObject, raw: unknown): Record<string, unknown> {
  const query = (raw ?? {}) as Record<string, unknown>;
  const known = Object.keys(schema.shape);
  const unknown = Object.keys(query).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    const message = known.length === 0 ? 'this route takes no query parameters' : `unknown query parameter; the route takes: ${known.join(', ')}`;
    throw new Problem(
      400,
      'malformed_request',
      `query.${unknown[0]}: ${message}`,
      unknown.map((k) => ({ field: `query.${k}`, message })),
    );
  }
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) throw new Problem(400, 'malformed_request', `query.${k}: give it once`, [{ field: `query.${k}`, message: 'give it once' }]);
  }
  const r = schema.safeParse(query);
  if (!r.success) throw validationProblem('query', r.error.issues, query);
  return r.data;
}

export function bodyObject(route: CommandRoute, raw: unknown): Record<string, unknown> {
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    throw new Problem(400, 'malformed_request', 'the body must be a JSON object', [{ field: 'body', message: 'a JSON object' }]);
  const allowed = bodyFields(route);
  const unknown = Object.keys(raw).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    const message = `unknown field; this route takes: ${allowed.join(', ')}`;
    throw new Problem(
      400,
      'malformed_request',
      `body.${unknown[0]}: ${message}`,
      unknown.map((k) => ({ field: `body.${k}`, message })),
    );
  }
  return raw as Record<string, unknown>;
}

/** A slug from the name plus 6 random hex digits: `acme-cloud-3f9a1c`. */
export function newPartnershipId(name: unknown): string {
  const slug = (typeof name === 'string' ? name : 'partnership')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${slug === '' ? 'p' : slug}-${randomBytes(3).toString('hex')}`;
}

export function parseAfter(after: string | undefined, partnershipId: string | undefined): { subject: string; sequence: number } | undefined {
  if (after === undefined) return undefined;
  const slash = after.lastIndexOf('/');
  if (slash > 0) return { subject: after.slice(0, slash), sequence: Number(after.slice(slash + 1)) };
  // A bare sequence passed the query schema, which allows one only on a partnership's routes.
  return { subject: partnershipId as string, sequence: Number(after) };
}

/** The methods each API path takes (from the route tables), for a 405 that says which. */
export function methodsByPath(): (path: string) => string[] {
  const routes = [...COMMAND_ROUTES.map((r) => [r.path, r.method] as const), ...READ_ROUTES.map((r) => [r.path, 'GET'] as const)].map(([path, method]) => ({
    pattern: new RegExp(`^${API_PREFIX}${path.replace(/\{\w+\}/g, '[^/]+')}$`),
    method,
  }));
  return (path) => [...new Set(routes.filter((r) => r.pattern.test(path)).map((r) => r.method))].sort();
}

import type { z } from 'zod';
import { fieldPath } from '../../domain/errors';

/** One field at fault, named by its path in the request (`body.contract.end`, `query.limit`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** A request refused for its fields: what the API answers (problem+json) and the CLI says before sending. */
export interface ValidationFailure {
  status: 400 | 422;
  code: 'malformed_request' | 'invalid_field';
  detail: string;
  errors: FieldProblem[];
}

/** zod issue codes that mean the request is malformed (400); the rest mean a well-formed value out of range (422). */
const MALFORMED = new Set(['invalid_type', 'unrecognized_keys', 'invalid_union', 'invalid_key']);

/**
 * Turns zod issues on one part of the request into a failure naming every field at fault: 400 when something is
 * missing or of the wrong type, 422 when every fault is a value out of range.
 */
export function validationFailure(part: 'body' | 'query' | 'path', issues: ReadonlyArray<z.core.$ZodIssue>, input?: unknown): ValidationFailure {
  // A field left out is malformed (400), unless a rule across fields asks for it (`custom`): that rule's own message,
  // 422, since the field is optional as the document states it.
  const missing = (i: z.core.$ZodIssue) => i.code !== 'custom' && i.path.length > 0 && input !== undefined && valueAt(input, i.path) === undefined;
  // A number where a whole number is wanted (a score of 3.5) is the right type out of the domain: 422, not 400.
  const fraction = (i: z.core.$ZodIssue) => {
    if (i.code !== 'invalid_type' || i.expected !== 'int' || input === undefined) return false;
    const v = valueAt(input, i.path);
    return typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)));
  };
  const errors = issues.map((i) => ({
    field: fieldPath([part, ...i.path]),
    message: fraction(i) ? 'must be a whole number' : missing(i) && i.code !== 'invalid_type' ? 'required' : issueMessage(i),
  }));
  const malformed = issues.some((i) => (MALFORMED.has(i.code) && !fraction(i)) || missing(i));
  const detail = errors.map((e) => `${e.field}: ${e.message}`).join('; ');
  return malformed ? { status: 400, code: 'malformed_request', detail, errors } : { status: 422, code: 'invalid_field', detail, errors };
}

/** zod says "expected string, received undefined" for a missing field; a person reads "required" faster. */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `required (${issue.expected})`;
  return issue.message;
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let at: unknown = input;
  for (const key of path) {
    if (at === null || typeof at !== 'object') return undefined;
    at = (at as Record<PropertyKey, unknown>)[key];
  }
  return at;
}

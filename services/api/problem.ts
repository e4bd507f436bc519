import type { z } from 'zod';
import type { DomainErrorCode } from '../../domain/errors';
import { fieldPath } from '../../domain/errors';

/** One field at fault, named by its path in the request (`body.contract.end`, `query.limit`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * An RFC 9457 problem: every 4xx the API answers is one of these, rendered as `application/problem+json`. `code` is the
 * machine-readable reason (the domain's refusal code where the lifecycle refused); `detail` says what to fix.
 */
export class Problem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: readonly FieldProblem[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = 'Problem';
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The problem document itself. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: string;
  errors?: FieldProblem[];
}

/** Problem type URIs are URNs, so they never pretend to be a page that exists. */
export function problemType(code: string): string {
  return `urn:partnerflow:problem:${code}`;
}

export function problemDocument(problem: Problem, instance?: string): ProblemDocument {
  const doc: ProblemDocument = {
    type: problemType(problem.code),
    title: TITLES[problem.status] ?? 'Error',
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
  };
  if (instance !== undefined) doc.instance = instance;
  if (problem.errors.length > 0) doc.errors = [...problem.errors];
  return doc;
}

/**
 * How a lifecycle refusal maps to HTTP: unknown things are 404, a field the lifecycle finds out of range is 422, a role
 * that may not take the decision is 403, and everything else is a transition the lifecycle refuses in its current
 * state (409).
 */
export const REFUSAL_STATUS: Readonly<Record<DomainErrorCode, number>> = {
  invalid_command: 422,
  invalid_policy: 422,
  invalid_event: 422,
  event_too_large: 422,
  forbidden: 403,
  not_registered: 404,
  already_registered: 409,
  partnership_closed: 409,
  wrong_stage: 409,
  gate_not_ready: 409,
  contract_required: 409,
  invalid_scores: 422,
  invalid_time: 422,
  invalid_deadline: 422,
  unknown_task: 404,
  task_not_open: 409,
  unknown_escalation: 404,
  escalation_not_open: 409,
  unknown_risk: 404,
  unknown_kpi: 404,
  unknown_issue: 404,
  stale_command: 409,
  not_due_yet: 409,
  limit_reached: 409,
};

export function refusalStatus(code: string): number {
  return (REFUSAL_STATUS as Record<string, number | undefined>)[code] ?? 409;
}

/** zod issue codes that mean the request is malformed (400); the rest mean a well-formed value out of range (422). */
const MALFORMED = new Set(['invalid_type', 'unrecognized_keys', 'invalid_union', 'invalid_key']);

/**
 * Turns zod issues on one part of the request into a problem naming every field at fault: 400 when something is
 * missing or of the wrong type, 422 when every fault is a value out of range.
 */
export function validationProblem(part: 'body' | 'query' | 'path', issues: ReadonlyArray<z.core.$ZodIssue>, input?: unknown): Problem {
  const missing = (i: z.core.$ZodIssue) => i.path.length > 0 && input !== undefined && valueAt(input, i.path) === undefined;
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
  return malformed ? new Problem(400, 'malformed_request', detail, errors) : new Problem(422, 'invalid_field', detail, errors);
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

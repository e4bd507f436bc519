import type { z } from 'zod';
import type { DomainErrorCode } from '../../domain/errors';
import { validationFailure, type FieldProblem } from '../contract/problems';

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

/** A problem naming every field at fault in one part of the request (see `validationFailure`). */
export function validationProblem(part: 'body' | 'query' | 'path', issues: ReadonlyArray<z.core.$ZodIssue>, input?: unknown): Problem {
  const f = validationFailure(part, issues, input);
  return new Problem(f.status, f.code, f.detail, f.errors);
}

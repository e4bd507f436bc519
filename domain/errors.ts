import { z } from 'zod';

/** Every reason the domain refuses something. The workflow uses the code as the `ApplicationFailure` type. */
export const domainErrorCodeSchema = z.enum([
  'invalid_command',
  'invalid_policy',
  'invalid_event',
  /** An event too large for one Kafka request: it can never be published. */
  'event_too_large',
  'forbidden',
  'not_registered',
  'already_registered',
  'partnership_closed',
  'wrong_stage',
  'gate_not_ready',
  'contract_required',
  'invalid_scores',
  'invalid_time',
  'invalid_deadline',
  'unknown_task',
  'task_not_open',
  'unknown_escalation',
  'escalation_not_open',
  'unknown_risk',
  'unknown_kpi',
  'unknown_issue',
  'stale_command',
  'not_due_yet',
  'limit_reached',
]);

export type DomainErrorCode = z.infer<typeof domainErrorCodeSchema>;

/** The codes by name, so call sites read `DomainErrorCode.forbidden`. */
export const DomainErrorCode = domainErrorCodeSchema.enum;

/** A refusal: a code machines branch on and a message that tells a person what to do next. */
export const domainErrorSchema = z.object({
  code: domainErrorCodeSchema,
  message: z.string().min(1),
  details: z.record(z.string(), z.unknown()).optional(),
});

export type DomainError = z.infer<typeof domainErrorSchema>;

/** Builds a refusal. */
export function domainError(code: DomainErrorCode, message: string, details?: Record<string, unknown>): DomainError {
  return details === undefined ? { code, message } : { code, message, details };
}

/** Renders zod issues as `field.path[0]: message; …`, so every error names the field at fault. */
export function describeIssues(issues: ReadonlyArray<z.core.$ZodIssue>, prefix: ReadonlyArray<PropertyKey> = []): string {
  return issues.map((issue) => `${fieldPath([...prefix, ...issue.path]) || '(root)'}: ${issue.message}`).join('; ');
}

/** `['a', 0, 'b']` → `a[0].b`. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((acc, key) => {
    if (typeof key === 'number') return `${acc}[${key}]`;
    const name = String(key);
    return acc === '' ? name : `${acc}.${name}`;
  }, '');
}

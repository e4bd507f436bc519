import { z } from 'zod';
import {
  acknowledgeEscalationSchema,
  addRiskSchema,
  assignTaskSchema,
  completeTaskSchema,
  decideGateSchema,
  decideRenewalSchema,
  moveDeadlineSchema,
  raiseIssueSchema,
  recordFindingSchema,
  recordKpiSchema,
  registerPartnershipSchema,
  resolveIssueSchema,
  serveNoticeSchema,
  submitScreeningScoreSchema,
  updateRiskSchema,
} from '../../domain/commands';
import type { Decision } from '../../domain/decision-rights';
import { gateIdSchema, partnershipIdSchema } from '../../domain/model';
import type { OperatorCommandType } from '../../workflows/messages';
import type { Principal } from './tokens';

/** A path parameter: its name and the schema its value must pass (or the route answers 404). */
export interface PathParam {
  name: string;
  schema: z.ZodType;
  description: string;
}

/**
 * A route that sends one command to a lifecycle. Its body is the command's data as the domain defines it, minus what
 * the path already says (`into`): one schema validates it, types it and documents it in the OpenAPI document.
 */
export interface CommandRoute {
  method: 'POST' | 'PATCH';
  /** OpenAPI-style path under /api/v1, e.g. `/partnerships/{id}/tasks/{taskId}/complete`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  command: OperatorCommandType | 'RegisterPartnership';
  /** The command's data schema (from `domain/commands.ts`). */
  data: z.ZodType;
  params: readonly PathParam[];
  /** Data fields filled from path parameters: data field → path parameter. */
  into: Readonly<Record<string, string>>;
  /** Data fields that default to the caller when left out (e.g. the evaluator of a score). */
  defaultsToCaller?: readonly string[];
  /**
   * The decisions this route can take, for the check made before anything is sent: a caller none of whose roles could
   * take any of them (even when named on the task) is refused at once. The lifecycle makes the exact check.
   */
  decisions: (params: Record<string, string>) => readonly Decision[];
  /** Where the partnership id comes from. */
  partnership: (params: Record<string, string>) => string;
  /** 201 for a registration, 200 otherwise. */
  created?: boolean;
}

const dataOf = <S extends { shape: { data: z.ZodType } }>(schema: S): S['shape']['data'] => schema.shape.data;

const id: PathParam = { name: 'id', schema: partnershipIdSchema, description: 'the partnership id' };
const taskId: PathParam = {
  name: 'taskId',
  schema: z.string().min(1).max(200),
  description: 'an open task, e.g. `dd.preliminary.financial-performance`, `gate.screening`, `review.monthly.2027-03`, `issue.1`',
};
const STRATEGIC = new Set(['screening', 'dd.final']);
const byId = (p: Record<string, string>) => p.id as string;

/** Global escalation reference: `<partnershipId>/<escalationId>`, as the work board and inboxes list them. */
export const escalationRefSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\/.+:.+$/, 'an escalation reference is `<partnershipId>/<taskId>:<level>`, as inboxes and the work board list it');

export function splitEscalationRef(ref: string): { partnershipId: string; escalationId: string } {
  const at = ref.indexOf('/');
  return { partnershipId: ref.slice(0, at), escalationId: ref.slice(at + 1) };
}

/** The registration body: the domain's registration data without the policy (the service's policy is pinned). */
export const registrationData = dataOf(registerPartnershipSchema).omit({ policy: true }).extend({
  partnershipId: partnershipIdSchema.optional().describe('optional: the id to register under; one is made from the name when left out'),
});

/** Every command route of the API, in the order the OpenAPI document lists them. */
export const COMMAND_ROUTES: readonly CommandRoute[] = [
  {
    method: 'POST',
    path: '/partnerships',
    operationId: 'registerPartnership',
    summary: 'Register a partnership',
    description: 'Starts its lifecycle in screening, under the policy in force (pinned for its whole life).',
    tag: 'partnerships',
    command: 'RegisterPartnership',
    data: registrationData,
    params: [],
    into: {},
    decisions: () => ['register_partnership'],
    partnership: () => '',
    created: true,
  },
  {
    method: 'POST',
    path: '/partnerships/{id}/screening/scores',
    operationId: 'submitScreeningScores',
    summary: "Submit an evaluator's screening scores (1–5 per criterion)",
    tag: 'screening',
    command: 'SubmitScreeningScore',
    data: dataOf(submitScreeningScoreSchema),
    params: [id],
    into: {},
    defaultsToCaller: ['evaluator'],
    decisions: () => ['submit_screening_score'],
    partnership: byId,
  },
  {
    method: 'POST',
    path: '/partnerships/{id}/gates/{gate}/decision',
    operationId: 'decideGate',
    summary: 'Advance or reject at a gate',
    description: 'Screening and final due diligence are strategic gates (exec); the others are operational (ops).',
    tag: 'gates',
    command: 'DecideGate',
    data: dataOf(decideGateSchema),
    params: [id, { name: 'gate', schema: gateIdSchema, description: `one of ${gateIdSchema.options.join(', ')}` }],
    into: { gate: 'gate' },
    decisions: (p) => [STRATEGIC.has(p.gate as string) ? 'decide_strategic_gate' : 'decide_operational_gate'],
    partnership: byId,
  },
  {
    method: 'POST',
    path: '/partnerships/{id}/tasks/{taskId}/assign',
    operationId: 'assignTask',
    summary: 'Give an open task to someone else',
    tag: 'tasks',
    command: 'AssignTask',
    data: dataOf(assignTaskSchema),
    params: [id, taskId],
    into: { taskId: 'taskId' },
    decisions: () => ['assign_task'],
    partnership: byId,
  },
  {
    method: 'POST',
    path: '/partnerships/{id}/tasks/{taskId}/complete',
    operationId: 'completeTask',
    summary: 'Complete a checklist item or a review',
    description: 'A review carries KPI values and relationship-health ratings. Legal items are completed by legal only.',
    tag: 'tasks',
    command: 'CompleteTask',
    data: dataOf(completeTaskSchema),
    params: [id, taskId],
    into: { taskId: 'taskId' },
    decisions: () => ['complete_task', 'complete_legal_task'],
    partnership: byId,
  },
  {
    method: 'POST',
    path: '/partnerships/{id}/tasks/{taskId}/deadline',
    operationId: 'moveDeadline',
    summary: "Move an open task's due date (with the reason)",
    tag: 'tasks',
    command: 'MoveDeadline',
    data: dataOf(moveDeadlineSchema),
    params: [id, taskId],
    into: { taskId: 'taskId' },
    decisions: () => ['move_deadline'],
    partnership: byId,
  },
  {
    method: 'POST',
    path: '/partnerships/{id}/findings',
    operationId: 'recordFinding',
    summary: 'Record a due-diligence finding (it enters the risk register)',
    tag: 'risks',
    command: 'RecordFinding',
    data: dataOf(recordFindingSchema),
    params: [id],
    into: {},
    decisions: () => ['record_finding'],
    partnership: byId,
  },
  {
    method: 'POST',
    path: '/partnerships/{id}/risks',
    operationId: 'addRisk',
    summary: 'Add a risk to the register',
    tag: 'risks',
    command: 'AddRisk',
    data: dataOf(addRiskSchema),
    params: [id],
    into: {},
    decisions: () => ['manage_risks'],
    partnership: byId,
  },
  {
    method: 'PATCH',
    path: '/partnerships/{id}/risks/{riskId}',
    operationId: 'updateRisk',
    summary: "Change a risk's rating, owner, mitigation or status",
    tag: 'risks',
    command: 'UpdateRisk',
    data: dataOf(updateRiskSchema),
    params: [id, { name: 'riskId', schema: z.string().min(1).max(200), description: 'e.g. `risk.1`' }],
    into: { riskId: 'riskId' },
    decisions: () => ['manage_risks'],
    partnership: byId,
  },
  {
    method: 'POST',
    path: '/partnerships/{id}/kpis',
    operationId: 'recordKpi',
    summary: 'Record a value for a defined KPI',
    tag: 'kpis',
    command: 'RecordKpi',
    data: dataOf(recordKpiSchema),
    params: [id],
    into: {},
    decisions: () => ['record_kpi'],
    partnership: byId,
  },
  {
    method: 'POST',
    path: '/partnerships/{id}/issues',
    operationId: 'raiseIssue',
    summary: 'Raise an issue (a task that climbs the escalation ladder until resolved)',
    tag: 'issues',
    command: 'RaiseIssue',
    data: dataOf(raiseIssueSchema),
    params: [id],
    into: {},
    decisions: () => ['raise_issue'],
    partnership: byId,
  },
  {
    method: 'POST',
    path: '/partnerships/{id}/issues/{issueId}/resolve',
    operationId: 'resolveIssue',
    summary: 'Resolve an open issue',
    tag: 'issues',
    command: 'ResolveIssue',
    data: dataOf(resolveIssueSchema),
    params: [id, { name: 'issueId', schema: z.string().min(1).max(200), description: 'e.g. `issue.1`' }],
    into: { issueId: 'issueId' },
    decisions: () => ['resolve_issue'],
    partnership: byId,
  },
  {
    method: 'POST',
    path: '/partnerships/{id}/renewal/decision',
    operationId: 'decideRenewal',
    summary: 'Renew, renegotiate or exit at the renewal review',
    tag: 'renewal',
    command: 'DecideRenewal',
    data: dataOf(decideRenewalSchema),
    params: [id],
    into: {},
    decisions: () => ['decide_renewal'],
    partnership: byId,
  },
  {
    method: 'POST',
    path: '/partnerships/{id}/exit',
    operationId: 'serveNotice',
    summary: 'Serve notice of exit (the notice period starts now)',
    tag: 'renewal',
    command: 'ServeNotice',
    data: dataOf(serveNoticeSchema),
    params: [id],
    into: {},
    decisions: () => ['serve_notice'],
    partnership: byId,
  },
  {
    method: 'POST',
    path: '/escalations/{escalationId}/acknowledge',
    operationId: 'acknowledgeEscalation',
    summary: 'Acknowledge an escalation (re-arms its level from now)',
    description: 'The escalation reference is `<partnershipId>/<taskId>:<level>` (URL-encode the slash as %2F).',
    tag: 'escalations',
    command: 'AcknowledgeEscalation',
    data: dataOf(acknowledgeEscalationSchema),
    params: [{ name: 'escalationId', schema: escalationRefSchema, description: '`<partnershipId>/<taskId>:<level>`' }],
    into: {},
    decisions: () => ['acknowledge_escalation'],
    partnership: (p) => splitEscalationRef(p.escalationId as string).partnershipId,
  },
];

/** Fills the command's data from the body and the path (`into`, the escalation reference) and the caller. */
export function commandData(route: CommandRoute, params: Record<string, string>, body: Record<string, unknown>, principal: Principal): Record<string, unknown> {
  const data: Record<string, unknown> = { ...body };
  for (const [field, param] of Object.entries(route.into)) data[field] = params[param];
  for (const field of route.defaultsToCaller ?? []) if (data[field] === undefined) data[field] = principal.name;
  if (route.command === 'AcknowledgeEscalation') data.escalationId = splitEscalationRef(params.escalationId as string).escalationId;
  return data;
}

/** The fields a caller may send in the body: the data schema's, minus those the path fills. */
export function bodyFields(route: CommandRoute): string[] {
  return Object.keys(bodyJsonSchema(route).properties ?? {});
}

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

const bodySchemas = new WeakMap<CommandRoute, JsonObjectSchema>();

/** JSON Schema of the body (the data schema as a caller writes it, minus the path-filled fields); computed once per route. */
export function bodyJsonSchema(route: CommandRoute): JsonObjectSchema {
  let body = bodySchemas.get(route);
  if (body === undefined) {
    body = computeBodyJsonSchema(route);
    bodySchemas.set(route, body);
  }
  return body;
}

function computeBodyJsonSchema(route: CommandRoute): JsonObjectSchema {
  const schema = inputJsonSchema(route.data);
  const hidden = new Set([...Object.keys(route.into), ...(route.command === 'AcknowledgeEscalation' ? ['escalationId'] : [])]);
  const properties = Object.fromEntries(Object.entries(schema.properties ?? {}).filter(([k]) => !hidden.has(k)));
  const required = (schema.required ?? []).filter((k) => !hidden.has(k) && !(route.defaultsToCaller ?? []).includes(k));
  // The server refuses a body field it does not know (400), so the document says so.
  const out: JsonObjectSchema = { ...schema, properties, additionalProperties: false };
  if (required.length > 0) out.required = required;
  else delete out.required;
  return out;
}

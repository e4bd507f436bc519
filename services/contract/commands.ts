import type { z } from 'zod';
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
import { partnershipIdSchema } from '../../domain/model';
import { PARAM, type PathParam } from './params';

/**
 * What a caller and the server agree on for a route that sends one command to a lifecycle. Its body is the command's
 * data as the domain defines it, minus what the path already says (`fromPath`): one schema validates it, types it and
 * documents it in the OpenAPI document.
 */
export interface CommandContract<P extends string = string> {
  method: 'POST' | 'PATCH';
  /** OpenAPI-style path under `API_PREFIX`, e.g. `/partnerships/{id}/tasks/{taskId}/complete`. */
  path: P;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** The command's data schema (from `domain/commands.ts`). */
  data: z.ZodType;
  params: readonly PathParam[];
  /** Data fields filled from path parameters: data field → path parameter. The body does not carry them. */
  fromPath: Readonly<Record<string, string>>;
  /** Data fields that default to the caller when left out (e.g. the evaluator of a score). */
  defaultsToCaller?: readonly string[];
  /**
   * The decisions this route can take, for the check made before anything is sent: a caller none of whose roles could
   * take any of them (even when named on the task) is refused at once. The lifecycle makes the exact check.
   */
  decisions: (params: Record<string, string>) => readonly Decision[];
  /** 201 for a registration, 200 otherwise. */
  created?: boolean;
  /** The request may have no body at all. */
  bodyOptional?: boolean;
}

const dataOf = <S extends { shape: { data: z.ZodType } }>(schema: S): S['shape']['data'] => schema.shape.data;
const STRATEGIC = new Set(['screening', 'dd.final']);

/** The registration body: the domain's registration data without the policy (the service's policy is pinned). */
export const registrationData = dataOf(registerPartnershipSchema)
  .omit({ policy: true })
  .extend({
    partnershipId: partnershipIdSchema.optional().describe('optional: the id to register under; one is made from the name when left out'),
  });

/** Keeps each route's path a literal type (for `pathOf`) while checking it is a contract. */
const contract = <const P extends string>(c: CommandContract<P>): CommandContract<P> => c;

/** Every command route, by operation id, in the order the OpenAPI document lists them. */
export const COMMAND = {
  registerPartnership: contract({
    method: 'POST',
    path: '/partnerships',
    operationId: 'registerPartnership',
    summary: 'Register a partnership',
    description: 'Starts its lifecycle in screening, under the policy in force (pinned for its whole life).',
    tag: 'partnerships',
    data: registrationData,
    params: [],
    fromPath: {},
    decisions: () => ['register_partnership'],
    created: true,
  }),
  submitScreeningScores: contract({
    method: 'POST',
    path: '/partnerships/{id}/screening/scores',
    operationId: 'submitScreeningScores',
    summary: "Submit an evaluator's screening scores (1–5 per criterion)",
    tag: 'screening',
    data: dataOf(submitScreeningScoreSchema),
    params: [PARAM.id],
    fromPath: {},
    defaultsToCaller: ['evaluator'],
    decisions: () => ['submit_screening_score'],
  }),
  decideGate: contract({
    method: 'POST',
    path: '/partnerships/{id}/gates/{gate}/decision',
    operationId: 'decideGate',
    summary: 'Advance or reject at a gate',
    description: 'Screening and final due diligence are strategic gates (exec); the others are operational (ops).',
    tag: 'gates',
    data: dataOf(decideGateSchema),
    params: [PARAM.id, PARAM.gate],
    fromPath: { gate: 'gate' },
    decisions: (p) => [STRATEGIC.has(p.gate as string) ? 'decide_strategic_gate' : 'decide_operational_gate'],
  }),
  assignTask: contract({
    method: 'POST',
    path: '/partnerships/{id}/tasks/{taskId}/assign',
    operationId: 'assignTask',
    summary: 'Give an open task to someone else',
    tag: 'tasks',
    data: dataOf(assignTaskSchema),
    params: [PARAM.id, PARAM.taskId],
    fromPath: { taskId: 'taskId' },
    decisions: () => ['assign_task'],
  }),
  completeTask: contract({
    method: 'POST',
    path: '/partnerships/{id}/tasks/{taskId}/complete',
    operationId: 'completeTask',
    summary: 'Complete a checklist item or a review',
    description: 'A review carries KPI values and relationship-health ratings. Legal items are completed by legal only.',
    tag: 'tasks',
    data: dataOf(completeTaskSchema),
    params: [PARAM.id, PARAM.taskId],
    fromPath: { taskId: 'taskId' },
    decisions: () => ['complete_task', 'complete_legal_task'],
  }),
  moveDeadline: contract({
    method: 'POST',
    path: '/partnerships/{id}/tasks/{taskId}/deadline',
    operationId: 'moveDeadline',
    summary: "Move an open task's due date (with the reason)",
    tag: 'tasks',
    data: dataOf(moveDeadlineSchema),
    params: [PARAM.id, PARAM.taskId],
    fromPath: { taskId: 'taskId' },
    decisions: () => ['move_deadline'],
  }),
  recordFinding: contract({
    method: 'POST',
    path: '/partnerships/{id}/findings',
    operationId: 'recordFinding',
    summary: 'Record a due-diligence finding (it enters the risk register)',
    tag: 'risks',
    data: dataOf(recordFindingSchema),
    params: [PARAM.id],
    fromPath: {},
    decisions: () => ['record_finding'],
  }),
  addRisk: contract({
    method: 'POST',
    path: '/partnerships/{id}/risks',
    operationId: 'addRisk',
    summary: 'Add a risk to the register',
    tag: 'risks',
    data: dataOf(addRiskSchema),
    params: [PARAM.id],
    fromPath: {},
    decisions: () => ['manage_risks'],
  }),
  updateRisk: contract({
    method: 'PATCH',
    path: '/partnerships/{id}/risks/{riskId}',
    operationId: 'updateRisk',
    summary: "Change a risk's rating, owner, mitigation or status",
    tag: 'risks',
    data: dataOf(updateRiskSchema),
    params: [PARAM.id, PARAM.riskId],
    fromPath: { riskId: 'riskId' },
    decisions: () => ['manage_risks'],
  }),
  recordKpi: contract({
    method: 'POST',
    path: '/partnerships/{id}/kpis',
    operationId: 'recordKpi',
    summary: 'Record a value for a defined KPI',
    tag: 'kpis',
    data: dataOf(recordKpiSchema),
    params: [PARAM.id],
    fromPath: {},
    decisions: () => ['record_kpi'],
  }),
  raiseIssue: contract({
    method: 'POST',
    path: '/partnerships/{id}/issues',
    operationId: 'raiseIssue',
    summary: 'Raise an issue (a task that climbs the escalation ladder until resolved)',
    tag: 'issues',
    data: dataOf(raiseIssueSchema),
    params: [PARAM.id],
    fromPath: {},
    decisions: () => ['raise_issue'],
  }),
  resolveIssue: contract({
    method: 'POST',
    path: '/partnerships/{id}/issues/{issueId}/resolve',
    operationId: 'resolveIssue',
    summary: 'Resolve an open issue',
    tag: 'issues',
    data: dataOf(resolveIssueSchema),
    params: [PARAM.id, PARAM.issueId],
    fromPath: { issueId: 'issueId' },
    decisions: () => ['resolve_issue'],
  }),
  decideRenewal: contract({
    method: 'POST',
    path: '/partnerships/{id}/renewal/decision',
    operationId: 'decideRenewal',
    summary: 'Renew, renegotiate or exit at the renewal review',
    tag: 'renewal',
    data: dataOf(decideRenewalSchema),
    params: [PARAM.id],
    fromPath: {},
    decisions: () => ['decide_renewal'],
  }),
  serveNotice: contract({
    method: 'POST',
    path: '/partnerships/{id}/exit',
    operationId: 'serveNotice',
    summary: 'Serve notice of exit (the notice period starts now)',
    tag: 'renewal',
    data: dataOf(serveNoticeSchema),
    params: [PARAM.id],
    fromPath: {},
    decisions: () => ['serve_notice'],
  }),
  acknowledgeEscalation: contract({
    method: 'POST',
    path: '/escalations/{escalationId}/acknowledge',
    operationId: 'acknowledgeEscalation',
    summary: 'Acknowledge an escalation (re-arms its level from now)',
    description: 'The escalation reference is `<partnershipId>/<taskId>:<level>` (URL-encode the slash as %2F).',
    tag: 'escalations',
    data: dataOf(acknowledgeEscalationSchema),
    params: [PARAM.escalationId],
    // The command takes the part after the slash (see the API's route); the body never carries it.
    fromPath: { escalationId: 'escalationId' },
    decisions: () => ['acknowledge_escalation'],
    bodyOptional: true,
  }),
};

export type CommandOperationId = keyof typeof COMMAND;

/** Every command route, in the order the OpenAPI document lists them. */
export const COMMAND_CONTRACTS: readonly CommandContract[] = Object.values(COMMAND);

import { NOT_BLANK } from './limits';
import { z } from 'zod';
import { durationSchema } from './duration';
import { INPUT_LIMITS, PARTNERSHIP_CAPS, maxChars, maxItems, maxKeys } from './limits';
import {
  contractInputSchema,
  gateIdSchema,
  healthRatingsSchema,
  attributesSchema,
  escalationIdSchema,
  kpiDefinitionSchema,
  ladderStepSchema,
  mitigationSchema,
  partnershipIdSchema,
  personIdSchema,
  ratingSchema,
  recordIdSchema,
  riskCategorySchema,
  riskStatusSchema,
  structureSchema,
} from './model';
import { issueSeveritySchema, partnershipKindSchema, policySchema, reviewCadenceSchema, slugSchema, timelineModifierSchema } from './policy/schema';
import { actorSchema } from './roles';
import { isoTimeSchema } from './time';

/** Who sends a command and when: time and actor always arrive as data. */
export const commandMetadataSchema = z.object({
  actor: actorSchema,
  now: isoTimeSchema,
  /** The caller's id for this command (e.g. the Temporal update id); recorded as the events' causation id. */
  commandId: maxChars(INPUT_LIMITS.id).min(1).optional(),
});
export type CommandMetadata = z.infer<typeof commandMetadataSchema>;

/** A name or title. */
const name = maxChars(INPUT_LIMITS.name).trim().regex(NOT_BLANK, 'must not be blank');
/** Free text that must say something: a resolution, a reason. */
const text = maxChars(INPUT_LIMITS.text).trim().regex(NOT_BLANK, 'must not be blank');
/** Free text that may be left out: a note, a description, a summary. */
const note = maxChars(INPUT_LIMITS.text);
const rationale = maxChars(INPUT_LIMITS.text).trim().regex(NOT_BLANK, 'say why: the rationale is recorded with the decision');

function command<T extends string, D extends z.ZodType>(type: T, data: D) {
  return z.object({ type: z.literal(type), data, metadata: commandMetadataSchema });
}

/** Register a partnership and pin the policy it will live by. `policy` defaults to the default policy. */
export const registerPartnershipSchema = command(
  'RegisterPartnership',
  z.object({
    partnershipId: partnershipIdSchema,
    name,
    partner: name,
    kind: partnershipKindSchema,
    structure: structureSchema,
    modifiers: maxItems(timelineModifierSchema, INPUT_LIMITS.list).default([]),
    attributes: attributesSchema.default({}),
    owner: personIdSchema,
    pmoLead: personIdSchema,
    executiveSponsor: personIdSchema,
    steeringCommittee: personIdSchema.default('steering-committee'),
    contract: contractInputSchema.optional(),
    policy: policySchema.optional(),
  }),
);

/** An evaluator's 1–5 score for every screening criterion; a second submission replaces the first. */
export const submitScreeningScoreSchema = command(
  'SubmitScreeningScore',
  z.object({ evaluator: personIdSchema, scores: maxKeys(z.record(slugSchema, ratingSchema), INPUT_LIMITS.list) }),
);

/** Decide a gate. Advancing the launch gate needs the contract (unless given at registration) and at least one KPI. */
export const decideGateSchema = command(
  'DecideGate',
  z.object({
    gate: gateIdSchema,
    outcome: z.enum(['advance', 'reject']),
    rationale,
    contract: contractInputSchema.optional(),
    kpis: maxItems(kpiDefinitionSchema, PARTNERSHIP_CAPS.kpis).optional(),
  }),
);

/** Give an open task to someone else. */
export const assignTaskSchema = command('AssignTask', z.object({ taskId: recordIdSchema, owner: personIdSchema }));

/** Complete a checklist item or a review; a review records KPI values and relationship-health ratings. */
export const completeTaskSchema = command(
  'CompleteTask',
  z.object({
    taskId: recordIdSchema,
    note: note.optional(),
    review: z
      .object({
        kpiValues: maxKeys(z.record(slugSchema, z.number().finite()), PARTNERSHIP_CAPS.kpis).default({}),
        healthRatings: healthRatingsSchema.default({}),
        summary: note.optional(),
        recommendation: z.enum(['renew', 'expand', 'terminate']).optional(),
      })
      .optional(),
  }),
);

/** Move an open task's due date; its ladder is planned again from the new date. */
export const moveDeadlineSchema = command(
  'MoveDeadline',
  z.object({ taskId: recordIdSchema, dueAt: isoTimeSchema, reason: maxChars(INPUT_LIMITS.text).trim().regex(NOT_BLANK, 'say why the deadline moves') }),
);

/** Record a due-diligence finding with its risk rating; it enters the risk register. */
export const recordFindingSchema = command(
  'RecordFinding',
  z.object({
    taskId: recordIdSchema.optional(),
    title: name,
    detail: note.optional(),
    category: riskCategorySchema,
    likelihood: ratingSchema,
    impact: ratingSchema,
    owner: personIdSchema.optional(),
    mitigation: mitigationSchema.default([]),
  }),
);

/** Add a risk to the register. */
export const addRiskSchema = command(
  'AddRisk',
  z.object({
    title: name,
    category: riskCategorySchema,
    likelihood: ratingSchema,
    impact: ratingSchema,
    owner: personIdSchema,
    mitigation: mitigationSchema.default([]),
  }),
);

/** Change a risk's rating, owner, mitigation or status. */
export const updateRiskSchema = command(
  'UpdateRisk',
  z
    .object({
      riskId: recordIdSchema,
      likelihood: ratingSchema.optional(),
      impact: ratingSchema.optional(),
      owner: personIdSchema.optional(),
      mitigation: mitigationSchema.optional(),
      status: riskStatusSchema.optional(),
      note: note.optional(),
    })
    .refine((d) => [d.likelihood, d.impact, d.owner, d.mitigation, d.status].some((v) => v !== undefined), {
      message: 'change at least one of likelihood, impact, owner, mitigation or status',
    }),
);

/** Record a value for a defined KPI. */
export const recordKpiSchema = command('RecordKpi', z.object({ kpiId: slugSchema, value: z.number().finite(), note: note.optional() }));

/** Raise an issue; it is a task due by its severity's resolution time and climbs the ladder until resolved. */
export const raiseIssueSchema = command(
  'RaiseIssue',
  z.object({
    title: name,
    severity: issueSeveritySchema,
    description: note.optional(),
    owner: personIdSchema.optional(),
    dueAt: isoTimeSchema.optional(),
  }),
);

/** Resolve an open issue. */
export const resolveIssueSchema = command('ResolveIssue', z.object({ issueId: recordIdSchema, resolution: text }));

/** Acknowledge an escalation; this re-arms that level's response time from now. */
export const acknowledgeEscalationSchema = command('AcknowledgeEscalation', z.object({ escalationId: escalationIdSchema, note: note.optional() }));

/** The rule across a renewal decision's fields. */
export const RENEGOTIATION_NEEDS_CONTRACT = 'a renegotiation records the new contract: give its start, end, notice period and auto-renew';

/** The renewal decision: renew (optionally for `term`), renegotiate (a new `contract`), or exit (serves notice). */
export const decideRenewalSchema = command(
  'DecideRenewal',
  z
    .object({
      decision: z.enum(['renew', 'renegotiate', 'exit']),
      rationale,
      term: durationSchema.optional(),
      contract: contractInputSchema.optional(),
      noticePeriod: durationSchema.optional(),
    })
    .refine((d) => d.decision !== 'renegotiate' || d.contract !== undefined, { message: RENEGOTIATION_NEEDS_CONTRACT, path: ['contract'] })
    .describe(`A rule across fields, which JSON Schema cannot state: ${RENEGOTIATION_NEEDS_CONTRACT}.`),
);

/** Serve notice of exit; the notice period starts now and the wind-down checklist opens. */
export const serveNoticeSchema = command('ServeNotice', z.object({ reason: text, noticePeriod: durationSchema.optional() }));

/** System: fire the next step of a task's ladder, planned for `at`. */
export const fireEscalationStepSchema = command('FireEscalationStep', z.object({ taskId: recordIdSchema, step: ladderStepSchema, at: isoTimeSchema }));

/** System: open the review of the period starting at `periodStart`. */
export const openReviewSchema = command('OpenReview', z.object({ cadence: reviewCadenceSchema, periodStart: isoTimeSchema }));

/** System: open the renewal window of the term ending at `termEnd`. */
export const openRenewalWindowSchema = command('OpenRenewalWindow', z.object({ termEnd: isoTimeSchema }));

/** System: renew automatically at the end of the term ending at `termEnd` (only where the contract says so). */
export const applyAutoRenewSchema = command('ApplyAutoRenew', z.object({ termEnd: isoTimeSchema }));

/** System: the notice period ending at `noticeEndsAt` is over. */
export const endNoticePeriodSchema = command('EndNoticePeriod', z.object({ noticeEndsAt: isoTimeSchema }));

/** Every command the lifecycle accepts. */
export const commandSchema = z.discriminatedUnion('type', [
  registerPartnershipSchema,
  submitScreeningScoreSchema,
  decideGateSchema,
  assignTaskSchema,
  completeTaskSchema,
  moveDeadlineSchema,
  recordFindingSchema,
  addRiskSchema,
  updateRiskSchema,
  recordKpiSchema,
  raiseIssueSchema,
  resolveIssueSchema,
  acknowledgeEscalationSchema,
  decideRenewalSchema,
  serveNoticeSchema,
  fireEscalationStepSchema,
  openReviewSchema,
  openRenewalWindowSchema,
  applyAutoRenewSchema,
  endNoticePeriodSchema,
]);
export type Command = z.infer<typeof commandSchema>;
/** A command as a caller may write it, before defaults are filled in. */
export type CommandInput = z.input<typeof commandSchema>;
export type CommandType = Command['type'];
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

/** The commands only the lifecycle itself sends, when their time comes. */
export const SYSTEM_COMMAND_TYPES = ['FireEscalationStep', 'OpenReview', 'OpenRenewalWindow', 'ApplyAutoRenew', 'EndNoticePeriod'] as const;
export type SystemCommand = CommandOf<(typeof SYSTEM_COMMAND_TYPES)[number]>;

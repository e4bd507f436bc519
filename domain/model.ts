import { NOT_BLANK } from './limits';
import { z } from 'zod';
import { durationSchema } from './duration';
import { INPUT_LIMITS, RECORDED_LIMITS, maxChars, maxItems, maxKeys } from './limits';
import {
  addresseeRoleSchema,
  issueSeveritySchema,
  partnershipKindSchema,
  reviewCadenceSchema,
  SLUG_PATTERN,
  slugSchema,
  timedPhaseSchema,
  timelineModifierSchema,
} from './policy/schema';
import { actorSchema } from './roles';
import { isoTimeSchema } from './time';

/** A partnership id; the workflow id and every event's subject derive from it. */
/** A partnership id's characters (unanchored, to build larger patterns: an escalation reference). */
export const PARTNERSHIP_ID_PATTERN = '[A-Za-z0-9][A-Za-z0-9._-]{0,127}';
export const partnershipIdSchema = z
  .string()
  .regex(new RegExp(`^${PARTNERSHIP_ID_PATTERN}$`), 'letters, digits, ".", "_" or "-", starting with a letter or digit');

/** A key of a partnership's free attributes: the same characters as a partnership id. */
export const attributeKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'letters, digits, ".", "_" or "-", starting with a letter or digit, at most 64');

/** A partnership's free attributes (region, CRM id…): scalar values, a bounded number of them. */
export const attributesSchema = maxKeys(z.record(attributeKeySchema, z.union([maxChars(INPUT_LIMITS.text), z.number(), z.boolean()])), INPUT_LIMITS.list);

const RECORD_ID_PATTERN = `${SLUG_PATTERN}(?:\\.[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)*`;

/**
 * An id the lifecycle gave a task, risk, issue or finding (`dd.preliminary.financial-performance`,
 * `review.monthly.2027-03`, `renewal.2029-12-31T093000Z`, `risk.7`, `issue.3`): slugs joined by ".", later parts may
 * carry a time label. Commands name them with this schema, so `__proto__`, `toString` or `hasOwnProperty` are refused
 * before any lookup (and `constructor`, a valid slug, finds nothing: lookups check own entries).
 */
export const recordIdSchema = maxChars(RECORDED_LIMITS.id).regex(
  new RegExp(`^${RECORD_ID_PATTERN}$`),
  'an id as the lifecycle gives it, e.g. dd.preliminary.financial-performance, risk.7 or issue.3',
);

/** A person, by the id the identity provider gives them. */
export const personIdSchema = maxChars(INPUT_LIMITS.name).trim().regex(NOT_BLANK, 'name a person');

/** Legal structure of the partnership (DOMAIN.md "Structure"). */
export const structureSchema = z.enum(['contractual', 'equity', 'hybrid']);

/** A score on the 1–5 scale used by screening and relationship health. */
export const ratingSchema = z.number().int('scores are whole numbers from 1 to 5').min(1, 'scores run from 1 to 5').max(5, 'scores run from 1 to 5');

/** The gates, in the order a partnership meets them. */
export const gateIdSchema = timedPhaseSchema;

/** The stages a registered partnership moves through, in order, then the two it can end in. */
export const registeredStageSchema = z.enum(['screening', 'due_diligence', 'launch', 'optimization', 'renewal', 'exit', 'rejected', 'exited']);
export type RegisteredStage = z.infer<typeof registeredStageSchema>;
export type GateId = z.infer<typeof gateIdSchema>;

/** The one rule across a contract's fields. */
export const CONTRACT_ORDER = 'the contract must end after it starts';

/** A contract as agreed: its term, notice period and whether it renews itself at the end. */
export const contractSchema = z
  .object({
    start: isoTimeSchema,
    end: isoTimeSchema,
    noticePeriod: durationSchema,
    autoRenew: z.boolean(),
    renewalTerm: durationSchema.optional(),
  })
  .refine((c) => Date.parse(c.end) > Date.parse(c.start), { message: CONTRACT_ORDER, path: ['end'] })
  .describe(`A rule across fields, which JSON Schema cannot state: ${CONTRACT_ORDER}.`);
export type Contract = z.infer<typeof contractSchema>;

/** A contract as entered by a person: notice period and auto-renew may be left to the policy. */
export const contractInputSchema = z
  .object({
    start: isoTimeSchema,
    end: isoTimeSchema,
    noticePeriod: durationSchema.optional(),
    autoRenew: z.boolean().default(false),
    renewalTerm: durationSchema.optional(),
  })
  .refine((c) => Date.parse(c.end) > Date.parse(c.start), { message: CONTRACT_ORDER, path: ['end'] })
  .describe(`A rule across fields, which JSON Schema cannot state: ${CONTRACT_ORDER}.`);
export type ContractInput = z.infer<typeof contractInputSchema>;

/** KPI families (DOMAIN.md "KPI families"). */
export const kpiFamilySchema = z.enum(['strategic', 'operational', 'financial', 'relationship']);

/** A success metric with its target, defined at the launch gate. */
export const kpiDefinitionSchema = z.object({
  id: slugSchema,
  name: maxChars(INPUT_LIMITS.name).trim().regex(NOT_BLANK, 'must not be blank'),
  family: kpiFamilySchema,
  target: z.number().finite(),
  unit: maxChars(INPUT_LIMITS.name).optional(),
  direction: z.enum(['higher_is_better', 'lower_is_better']).default('higher_is_better'),
});
export type KpiDefinition = z.infer<typeof kpiDefinitionSchema>;

/** A KPI and the latest value recorded for it. */
export const kpiSchema = kpiDefinitionSchema.extend({
  latest: z.object({ value: z.number().finite(), at: isoTimeSchema }).nullable(),
});
export type Kpi = z.infer<typeof kpiSchema>;

/** Relationship-health dimensions, each rated 1–5 at reviews. */
export const healthDimensionSchema = z.enum([
  'trust_index',
  'communication_effectiveness',
  'conflict_resolution',
  'stakeholder_satisfaction',
  'long_term_viability',
]);
export type HealthDimension = z.infer<typeof healthDimensionSchema>;

/** Relationship-health ratings; a review may rate only some dimensions. */
export const healthRatingsSchema = z.partialRecord(healthDimensionSchema, ratingSchema);
export type HealthRatings = z.infer<typeof healthRatingsSchema>;

/** Risk categories (DOMAIN.md "Risk categories"). */
export const riskCategorySchema = z.enum(['strategic', 'operational', 'relationship', 'financial', 'technical', 'regulatory']);
/** Where a risk stands in its treatment. */
export const riskStatusSchema = z.enum(['open', 'mitigating', 'accepted', 'closed']);

/** A risk's mitigation actions as commands give them. */
export const mitigationSchema = maxItems(maxChars(INPUT_LIMITS.name).trim().regex(NOT_BLANK, 'must not be blank'), INPUT_LIMITS.mitigationActions);
/** A risk's mitigation actions as events record them. */
export const recordedMitigationSchema = maxItems(maxChars(RECORDED_LIMITS.name), RECORDED_LIMITS.mitigationActions);

/** One row of the risk register; its rating is likelihood × impact, each 1–5. */
export const riskSchema = z.object({
  id: maxChars(RECORDED_LIMITS.id),
  title: maxChars(RECORDED_LIMITS.name).trim().regex(NOT_BLANK, 'must not be blank'),
  category: riskCategorySchema,
  likelihood: ratingSchema,
  impact: ratingSchema,
  owner: personIdSchema,
  mitigation: recordedMitigationSchema,
  status: riskStatusSchema,
  source: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('finding'), findingId: maxChars(RECORDED_LIMITS.id), taskId: maxChars(RECORDED_LIMITS.id).optional() }),
    z.object({ kind: z.literal('manual') }),
  ]),
  raisedAt: isoTimeSchema,
  updatedAt: isoTimeSchema,
});
export type Risk = z.infer<typeof riskSchema>;

/** Kinds of task; each has a due date and an escalation ladder. */
export const taskKindSchema = z.enum(['checklist', 'review', 'gate', 'issue', 'renewal_decision']);
export type TaskKind = z.infer<typeof taskKindSchema>;

/** The rungs of a ladder, in order. `reminder` is before due; the others are escalations. */
export const ladderStepSchema = z.enum(['reminder', 'overdue', 'L1', 'L2', 'L3']);
export type LadderStep = z.infer<typeof ladderStepSchema>;

/** A ladder step as the lifecycle names it, `<task id>:<step>` (`lifecycle/ids.ts`), e.g. `gate.launch:L1`. */
export const ESCALATION_ID_PATTERN = `${RECORD_ID_PATTERN}:(?:${ladderStepSchema.options.join('|')})`;
export const escalationIdSchema = maxChars(RECORDED_LIMITS.id).regex(
  new RegExp(`^${ESCALATION_ID_PATTERN}$`),
  'an escalation id as the lifecycle gives it, e.g. gate.launch:L1',
);

/** The escalations, i.e. the ladder steps that can be acknowledged. */
export const escalationLevelSchema = z.enum(['overdue', 'L1', 'L2', 'L3']);
export type EscalationLevel = z.infer<typeof escalationLevelSchema>;

/** Who a ladder step went to. */
export const addresseeSchema = z.object({ role: addresseeRoleSchema, id: personIdSchema });
export type Addressee = z.infer<typeof addresseeSchema>;

/** A ladder step that has fired, with its acknowledgement once there is one. */
export const firedStepSchema = z.object({
  step: ladderStepSchema,
  escalationId: maxChars(RECORDED_LIMITS.id),
  at: isoTimeSchema,
  firedAt: isoTimeSchema,
  addressee: addresseeSchema,
  acknowledgedAt: isoTimeSchema.optional(),
  acknowledgedBy: actorSchema.optional(),
});
export type FiredStep = z.infer<typeof firedStepSchema>;

/** Where a task's ladder stands: planned from `since` against the task's due date; reset when the deadline moves. */
export const ladderSchema = z.object({
  since: isoTimeSchema,
  round: z.number().int().nonnegative(),
  // One entry per rung per round: a ladder has five rungs and a moved deadline starts it again empty.
  fired: maxItems(firedStepSchema, RECORDED_LIMITS.list),
});
export type Ladder = z.infer<typeof ladderSchema>;

/** A review period: the review of `[periodStart, periodEnd)` opens at `periodEnd`. */
export const reviewRefSchema = z.object({ cadence: reviewCadenceSchema, periodStart: isoTimeSchema, periodEnd: isoTimeSchema });

/** Which checklist an item belongs to: a due-diligence phase, the launch, or the exit wind-down. */
export const checklistScopeSchema = z.enum(['dd.preliminary', 'dd.detailed', 'dd.final', 'launch', 'exit']);
export type ChecklistScope = z.infer<typeof checklistScopeSchema>;

/** What a task opens with; the rest of its state follows from its events. */
export const taskSpecSchema = z.object({
  id: maxChars(RECORDED_LIMITS.id).min(1),
  kind: taskKindSchema,
  title: maxChars(RECORDED_LIMITS.name).min(1),
  owner: personIdSchema,
  legal: z.boolean(),
  dueAt: isoTimeSchema,
  reminderLead: durationSchema,
  gate: gateIdSchema.optional(),
  scope: checklistScopeSchema.optional(),
  itemId: maxChars(RECORDED_LIMITS.id).optional(),
  review: reviewRefSchema.optional(),
  severity: issueSeveritySchema.optional(),
});
export type TaskSpec = z.infer<typeof taskSpecSchema>;

/** A task with its status and ladder. */
export const taskSchema = taskSpecSchema.extend({
  status: z.enum(['open', 'done', 'cancelled']),
  openedAt: isoTimeSchema,
  closedAt: isoTimeSchema.optional(),
  ladder: ladderSchema,
});
export type Task = z.infer<typeof taskSchema>;

/** Who the partnership is with and who looks after it. */
export const profileSchema = z.object({
  name: maxChars(RECORDED_LIMITS.name),
  partner: maxChars(RECORDED_LIMITS.name),
  kind: partnershipKindSchema,
  structure: structureSchema,
  modifiers: maxItems(timelineModifierSchema, RECORDED_LIMITS.list),
  attributes: maxKeys(z.record(maxChars(RECORDED_LIMITS.id), z.union([maxChars(RECORDED_LIMITS.text), z.number(), z.boolean()])), RECORDED_LIMITS.list),
  owner: personIdSchema,
  pmoLead: personIdSchema,
  executiveSponsor: personIdSchema,
  steeringCommittee: personIdSchema,
  /** A contract known at registration; the launch gate uses it unless given another. */
  contract: contractSchema.nullable(),
});

import { z } from 'zod';
import {
  addresseeSchema,
  contractSchema,
  gateIdSchema,
  healthRatingsSchema,
  kpiDefinitionSchema,
  ladderStepSchema,
  partnershipIdSchema,
  personIdSchema,
  profileSchema,
  ratingSchema,
  recordedMitigationSchema,
  riskSchema,
  riskStatusSchema,
  taskSpecSchema,
} from './model';
import { effectivePolicySchema } from './policy/resolve';
import { ddPhaseSchema, issueSeveritySchema, reviewCadenceSchema } from './policy/schema';
import { actorSchema } from './roles';
import { isoTimeSchema } from './time';
import { RECORDED_LIMITS, maxChars, maxItems, maxKeys } from './limits';

// Every string and list an event carries is bounded (RECORDED_LIMITS): checked when produced and when consumed.
/** A task, risk, issue, finding, KPI or escalation id. */
const id = maxChars(RECORDED_LIMITS.id);
/** A title. */
const name = maxChars(RECORDED_LIMITS.name);
/** A rationale, reason, note, description, detail, resolution or summary. */
const text = maxChars(RECORDED_LIMITS.text);

/** Where an event sits and who caused it. `sequence` is gapless per partnership, starting at 1. */
export const eventMetadataSchema = z.object({
  partnershipId: partnershipIdSchema,
  sequence: z.number().int().positive(),
  occurredAt: isoTimeSchema,
  actor: actorSchema,
  causationId: id.optional(),
});
export type EventMetadata = z.infer<typeof eventMetadataSchema>;

function event<T extends string, V extends number, D extends z.ZodType>(type: T, version: V, data: D) {
  return z.object({ type: z.literal(type), version: z.literal(version), data, metadata: eventMetadataSchema });
}

/** A screening recommendation from the composite and the policy thresholds. */
export const recommendationSchema = z.enum(['advance', 'reject', 'decide_by_hand']);
export type Recommendation = z.infer<typeof recommendationSchema>;

/** A partnership was registered; carries the resolved policy pinned to it for life. */
export const partnershipRegisteredSchema = event(
  'PartnershipRegistered',
  1,
  z.object({
    partnershipId: partnershipIdSchema,
    ...profileSchema.shape,
    policy: effectivePolicySchema,
  }),
);

/** An evaluator submitted screening scores; carries the averages, composite and recommendation after it. */
export const screeningScoreSubmittedSchema = event(
  'ScreeningScoreSubmitted',
  1,
  z.object({
    evaluator: personIdSchema,
    scores: maxKeys(z.record(id, ratingSchema), RECORDED_LIMITS.list),
    averages: maxKeys(z.record(id, z.number()), RECORDED_LIMITS.list),
    composite: z.number(),
    recommendation: recommendationSchema,
  }),
);

/** A gate was decided, with its rationale. */
export const gateDecidedSchema = event(
  'GateDecided',
  1,
  z.object({
    gate: gateIdSchema,
    taskId: id,
    outcome: z.enum(['advance', 'reject']),
    rationale: text,
    composite: z.number().nullable(),
    recommendation: recommendationSchema.nullable(),
  }),
);

/** A due-diligence phase started; its checklist is due at `endsAt`. */
export const dueDiligencePhaseStartedSchema = event('DueDiligencePhaseStarted', 1, z.object({ phase: ddPhaseSchema, endsAt: isoTimeSchema }));

/** The launch stage started; its checklist is due at `endsAt`. */
export const launchStartedSchema = event('LaunchStarted', 1, z.object({ endsAt: isoTimeSchema }));

/** The launch gate passed: the contract and KPIs are recorded and the review cadence starts at the contract start. */
export const optimizationStartedSchema = event(
  'OptimizationStarted',
  1,
  z.object({ contract: contractSchema, kpis: maxItems(kpiDefinitionSchema, RECORDED_LIMITS.list) }),
);

/** A gate rejected the partnership; the lifecycle has ended. */
export const partnershipRejectedSchema = event('PartnershipRejected', 1, z.object({ gate: gateIdSchema, rationale: text }));

/** A task opened, with its owner and due date. */
export const taskOpenedSchema = event('TaskOpened', 1, z.object({ task: taskSpecSchema }));

/** A task was given to someone else. */
export const taskAssignedSchema = event('TaskAssigned', 1, z.object({ taskId: id, owner: personIdSchema, previousOwner: personIdSchema }));

/** A checklist item was completed. */
export const taskCompletedSchema = event('TaskCompleted', 1, z.object({ taskId: id, note: text.optional() }));

/** A review was completed, recording KPI values and relationship-health ratings. */
export const reviewCompletedSchema = event(
  'ReviewCompleted',
  1,
  z.object({
    taskId: id,
    cadence: reviewCadenceSchema,
    periodStart: isoTimeSchema,
    kpiValues: maxKeys(z.record(id, z.number()), RECORDED_LIMITS.list),
    healthRatings: healthRatingsSchema,
    summary: text.optional(),
    recommendation: z.enum(['renew', 'expand', 'terminate']).optional(),
  }),
);

/** A task stopped mattering (the partnership was rejected, served notice or exited); its ladder ends. */
export const taskCancelledSchema = event('TaskCancelled', 1, z.object({ taskId: id, reason: text }));

/** A task's due date moved; its ladder is planned again from the new date. */
export const deadlineMovedSchema = event('DeadlineMoved', 1, z.object({ taskId: id, previousDueAt: isoTimeSchema, dueAt: isoTimeSchema, reason: text }));

/** A due-diligence finding was recorded and entered the risk register as `risk`. */
export const findingRecordedSchema = event(
  'FindingRecorded',
  1,
  z.object({ findingId: id, taskId: id.optional(), title: name, detail: text.optional(), risk: riskSchema }),
);

/** A risk was added to the register. */
export const riskAddedSchema = event('RiskAdded', 1, z.object({ risk: riskSchema }));

/** A risk in the register changed. */
export const riskUpdatedSchema = event(
  'RiskUpdated',
  1,
  z.object({
    riskId: id,
    changes: z.object({
      likelihood: ratingSchema.optional(),
      impact: ratingSchema.optional(),
      owner: personIdSchema.optional(),
      mitigation: recordedMitigationSchema.optional(),
      status: riskStatusSchema.optional(),
    }),
    note: text.optional(),
  }),
);

/** A KPI value was recorded. */
export const kpiRecordedSchema = event('KpiRecorded', 1, z.object({ kpiId: id, value: z.number(), note: text.optional() }));

/** v1 of IssueRaised, before issues had a severity. Kept so old histories can be upcast. */
export const issueRaisedV1Schema = event('IssueRaised', 1, z.object({ issueId: id, taskId: id, title: name, description: text.optional() }));

/** An issue was raised with a severity; its task (`taskId`) follows the ladder until the issue is resolved. */
export const issueRaisedSchema = event(
  'IssueRaised',
  2,
  z.object({ issueId: id, taskId: id, title: name, severity: issueSeveritySchema, description: text.optional() }),
);

/** An issue was resolved. */
export const issueResolvedSchema = event('IssueResolved', 1, z.object({ issueId: id, taskId: id, resolution: text }));

/** A ladder step fired: who it went to, when it was planned for, and why. Levels carry `respondBy`. */
export const escalationStepFiredSchema = event(
  'EscalationStepFired',
  1,
  z.object({
    taskId: id,
    step: ladderStepSchema,
    escalationId: id,
    round: z.number().int().nonnegative(),
    scheduledAt: isoTimeSchema,
    dueAt: isoTimeSchema,
    addressee: addresseeSchema,
    reason: text,
    respondBy: isoTimeSchema.optional(),
  }),
);

/** An escalation was acknowledged by the person it went to (or ops); that level's response time restarts now. */
export const escalationAcknowledgedSchema = event(
  'EscalationAcknowledged',
  1,
  z.object({ escalationId: id, taskId: id, step: ladderStepSchema, respondBy: isoTimeSchema.optional(), note: text.optional() }),
);

/** The renewal window opened for the term ending at `termEnd`; the decision is task `taskId`. */
export const renewalWindowOpenedSchema = event('RenewalWindowOpened', 1, z.object({ termEnd: isoTimeSchema, taskId: id }));

/** The renewal was decided. */
export const renewalDecidedSchema = event('RenewalDecided', 1, z.object({ taskId: id, decision: z.enum(['renew', 'renegotiate', 'exit']), rationale: text }));

/** A new contract term started: renewed, renegotiated, or renewed automatically at the end of the term. */
export const contractRenewedSchema = event(
  'ContractRenewed',
  1,
  z.object({ how: z.enum(['renewed', 'renegotiated', 'auto_renewed']), contract: contractSchema, previousEnd: isoTimeSchema }),
);

/** Notice of exit was served; the notice period runs to `noticeEndsAt` and the wind-down checklist is due then. */
export const noticeServedSchema = event('NoticeServed', 1, z.object({ reason: text, noticeEndsAt: isoTimeSchema }));

/** The notice period ended. */
export const noticePeriodEndedSchema = event('NoticePeriodEnded', 1, z.object({ noticeEndsAt: isoTimeSchema }));

/** The partnership has exited: notice period over and wind-down complete. */
export const partnershipExitedSchema = event('PartnershipExited', 1, z.object({ reason: text }));

/** Every current event. Older versions go through `upcast` first. */
export const eventSchema = z.discriminatedUnion('type', [
  partnershipRegisteredSchema,
  screeningScoreSubmittedSchema,
  gateDecidedSchema,
  dueDiligencePhaseStartedSchema,
  launchStartedSchema,
  optimizationStartedSchema,
  partnershipRejectedSchema,
  taskOpenedSchema,
  taskAssignedSchema,
  taskCompletedSchema,
  reviewCompletedSchema,
  taskCancelledSchema,
  deadlineMovedSchema,
  findingRecordedSchema,
  riskAddedSchema,
  riskUpdatedSchema,
  kpiRecordedSchema,
  issueRaisedSchema,
  issueResolvedSchema,
  escalationStepFiredSchema,
  escalationAcknowledgedSchema,
  renewalWindowOpenedSchema,
  renewalDecidedSchema,
  contractRenewedSchema,
  noticeServedSchema,
  noticePeriodEndedSchema,
  partnershipExitedSchema,
]);
export type Event = z.infer<typeof eventSchema>;
export type EventType = Event['type'];
export type EventOf<T extends EventType> = Extract<Event, { type: T }>;
/** An event as the decider drafts it, before `decide` stamps its metadata. */
export type EventDraft = Event extends infer E ? (E extends Event ? Omit<E, 'metadata'> : never) : never;

/** The current version of every event type. */
export const CURRENT_EVENT_VERSIONS: Readonly<Record<EventType, number>> = Object.fromEntries(
  eventSchema.options.map((o) => [o.shape.type.value, o.shape.version.value]),
) as Record<EventType, number>;

/** The CloudEvents `type` of a domain event, e.g. `PartnershipRegistered` → `partnerflow.partnership.partnership-registered`. */
export function cloudEventType(type: EventType): string {
  return `partnerflow.partnership.${type.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
}

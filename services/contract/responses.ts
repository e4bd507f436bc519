import { registeredStageSchema } from '../../domain/model';
import { z } from 'zod';
import { screeningStateSchema } from '../../domain/lifecycle/state';
import {
  addresseeSchema,
  contractSchema,
  escalationLevelSchema,
  healthDimensionSchema,
  healthRatingsSchema,
  kpiDefinitionSchema,
  kpiFamilySchema,
  kpiSchema,
  ladderStepSchema,
  riskSchema,
  riskStatusSchema,
  taskKindSchema,
} from '../../domain/model';
import { ddPhaseSchema, partnershipKindSchema } from '../../domain/policy/schema';
import type { CalendarEntryKind, PortfolioCalendarEntry } from '../../projections/calendar/read-model';
import { PHASES, type PhaseStats } from '../../projections/cycle-times/read-model';
import type { InboxItem } from '../../projections/inbox/read-model';
import type { KpiScorecard } from '../../projections/kpi-scorecard/read-model';
import type { Funnel, Portfolio } from '../../projections/portfolio/read-model';
import type { PortfolioRisk } from '../../projections/risk-register/read-model';
import type { Page } from '../../projections/runner/reader';
import type { Summary, SummaryStage } from '../../projections/summary/read-model';
import type { Timeline } from '../../projections/timeline/read-model';
import type { WorkReport } from '../../projections/work-board/read-model';
import type { LifecycleView } from '../../workflows/messages';

/*
 * What each read route answers with (200), as zod schemas: the OpenAPI document shows them, and the tests' API checks
 * every answer against its route's (`ApiDeps.checkResponses`). Each is held to the TypeScript type the handler returns
 * (`satisfies z.ZodType<…>`), so a field added to a read model without being documented here does not compile, and one
 * documented but not served fails the tests.
 */

const time = z.string().describe('ISO-8601 time, UTC');
const count = z.number().int().min(0);
/** A partnership's stage as the read models and the live state show it (also a filter of the partnership list). */
export const stageSchema = registeredStageSchema satisfies z.ZodType<SummaryStage>;
const stage = stageSchema;
/** What a calendar entry marks (also a filter of the calendar report). */
export const calendarKindSchema = z.enum(['review', 'renewal_window', 'contract_end', 'notice_end']) satisfies z.ZodType<CalendarEntryKind>;

/** One page of a list, and how many entries the whole list has. */
function page<T extends z.ZodType>(item: T) {
  return z.strictObject({ total: count, offset: count, limit: count, items: z.array(item) });
}

export const summaryResponse = z.strictObject({
  partnershipId: z.string(),
  name: z.string(),
  stage,
  phase: z.string().nullable().describe('the due-diligence phase while in due diligence'),
  kind: partnershipKindSchema,
  owner: z.string(),
  sponsor: z.string(),
  compositeScore: z.number().nullable(),
  contract: z.strictObject({ start: time, end: time }).nullable(),
  healthRatings: z.record(z.string(), z.number()),
  healthScore: z.number().nullable().describe('mean of the latest health ratings, 1–5'),
  nextDeadline: time.nullable(),
  openTasks: count,
  openEscalations: count,
  lastEventAt: time,
}) satisfies z.ZodType<Summary>;

export const partnershipListResponse = page(summaryResponse) satisfies z.ZodType<Page<Summary>>;

const partnershipView = z.strictObject({
  partnershipId: z.string(),
  name: z.string(),
  partner: z.string(),
  kind: partnershipKindSchema,
  stage,
  phase: ddPhaseSchema.nullable(),
  owner: z.string(),
  policyVersion: z.string(),
  sequence: count,
  registeredAt: time,
  updatedAt: time,
  openTasks: z.array(
    z.strictObject({
      id: z.string(),
      kind: taskKindSchema,
      title: z.string(),
      owner: z.string(),
      legal: z.boolean(),
      dueAt: time,
      lastStep: ladderStepSchema.nullable(),
    }),
  ),
  openEscalations: z.array(
    z.strictObject({ id: z.string(), taskId: z.string(), level: escalationLevelSchema, addressee: addresseeSchema, at: time, acknowledgedAt: time.nullable() }),
  ),
  openEscalationCount: count,
  screening: screeningStateSchema,
  risks: z.array(riskSchema.extend({ score: z.number() })),
  contract: contractSchema.nullable(),
  kpis: z.array(kpiSchema),
  health: z.strictObject({ ratings: healthRatingsSchema, ratedAt: time }).nullable(),
  nextDeadline: time.nullable(),
  nextWakeAt: time.nullable().describe('when the lifecycle next acts on its own'),
  exit: z.strictObject({ reason: z.string(), noticeEndsAt: time, noticeEnded: z.boolean() }).nullable(),
  rejected: z.strictObject({ gate: z.string(), rationale: z.string(), at: time }).nullable(),
});

export const stateResponse = z.union([
  partnershipView,
  z.strictObject({ stage: z.literal('unregistered'), sequence: z.literal(0) }),
]) satisfies z.ZodType<LifecycleView>;

export const timelineResponse = z.strictObject({
  partnershipId: z.string(),
  events: count,
  firstAt: time,
  lastAt: time,
  lastType: z.string(),
  entries: z.array(
    z.strictObject({ sequence: count, type: z.string(), version: count, at: time, actor: z.strictObject({ id: z.string(), role: z.string() }) }),
  ),
}) satisfies z.ZodType<Timeline>;

const registerRisk = z.strictObject({
  partnershipId: z.string(),
  riskId: z.string(),
  title: z.string(),
  category: riskSchema.shape.category,
  likelihood: z.number(),
  impact: z.number(),
  severity: z.number().describe('likelihood × impact, 1–25'),
  owner: z.string(),
  status: riskStatusSchema,
  mitigation: z.array(z.string()),
  source: riskSchema.shape.source,
  raisedAt: time,
  updatedAt: time,
}) satisfies z.ZodType<PortfolioRisk>;

export const partnershipRisksResponse = z.array(registerRisk) satisfies z.ZodType<PortfolioRisk[]>;

const kpiPoint = z.strictObject({ value: z.number(), at: time, periodStart: time.nullable() });

export const scorecardResponse = z.strictObject({
  partnershipId: z.string(),
  kpis: z.array(
    z.strictObject({
      kpiId: z.string(),
      name: z.string(),
      family: kpiFamilySchema.nullable(),
      unit: z.string().nullable(),
      target: z.number().nullable(),
      direction: kpiDefinitionSchema.shape.direction.unwrap(),
      latest: kpiPoint.nullable(),
      met: z.boolean().nullable().describe('whether the latest value meets the target; null without a value or a target'),
      trend: z.array(kpiPoint),
    }),
  ),
  roi: z
    .strictObject({ gain: z.number(), cost: z.number(), roi: z.number().describe('(gain − cost) / cost') })
    .nullable()
    .describe(
      'ROI = (gain − cost) / cost, where gain is the sum of the latest revenue-generated and incremental-sales values and cost the sum of the latest investment and cost values; null until both are recorded (see roiMissing)',
    ),
  roiMissing: z.string().nullable().describe('why roi is null, naming the KPIs to record; null when there is an ROI'),
  health: z.partialRecord(healthDimensionSchema, z.strictObject({ rating: z.number(), at: time })),
}) satisfies z.ZodType<KpiScorecard>;

const openStep = {
  escalationId: z.string(),
  taskId: z.string(),
  step: ladderStepSchema,
  addressee: addresseeSchema,
  firedAt: time,
  respondBy: time.nullable(),
  acknowledgedAt: time.nullable(),
};

export const inboxResponse = page(
  z.strictObject({ ...openStep, partnershipId: z.string(), kind: z.enum(['reminder', 'escalation']), taskTitle: z.string() }) satisfies z.ZodType<InboxItem>,
).extend({ person: z.string() });

const perKey = z.record(z.string(), z.array(z.string()));

export const portfolioReportResponse = z.strictObject({
  counts: z.strictObject({ byStage: z.record(z.string(), count), byKind: z.record(z.string(), count), byOwner: z.record(z.string(), count) }),
  byStage: perKey,
  byKind: perKey,
  byOwner: perKey,
  /** Each id list holds at most this many ids (the counts are whole). */
  limit: count,
  funnel: z.strictObject({
    screened: count,
    diligence: count,
    launched: count,
    rejected: count,
    rejectedAt: z.record(z.string(), count),
    rejectionReasons: z.record(z.string(), count),
  }) satisfies z.ZodType<Funnel>,
}) satisfies z.ZodType<Portfolio & { funnel: Funnel; limit: number }>;

const phaseStats = z.strictObject({
  count,
  p50Ms: z.number().nullable(),
  p90Ms: z.number().nullable(),
  withinSlaShare: z.number().nullable().describe('share (0–1) completed within the policy SLA'),
}) satisfies z.ZodType<PhaseStats>;

export const cycleTimesResponse = z.record(partnershipKindSchema, z.record(z.enum(PHASES), phaseStats));

const boardTask = z.strictObject({
  partnershipId: z.string(),
  taskId: z.string(),
  kind: taskKindSchema,
  title: z.string(),
  owner: z.string(),
  dueAt: time,
  openedAt: time,
});

export const workReportResponse = z.strictObject({
  at: time,
  openTasks: page(boardTask),
  overdue: page(boardTask),
  escalations: page(z.strictObject({ ...openStep, partnershipId: z.string(), ageMs: z.number() })).extend({
    byLevel: z.record(z.string(), count),
    byAddressee: z.record(z.string(), count),
  }),
}) satisfies z.ZodType<WorkReport>;

export const calendarResponse = z.strictObject({
  from: time,
  to: time,
  total: count,
  offset: count,
  limit: count,
  entries: z.array(
    z.strictObject({
      partnershipId: z.string(),
      entryId: z.string(),
      kind: calendarKindSchema,
      at: time,
      title: z.string(),
      taskId: z.string().nullable(),
      status: z.enum(['expected', 'opened']).nullable(),
    }) satisfies z.ZodType<PortfolioCalendarEntry>,
  ),
});

export const kpisReportResponse = page(scorecardResponse) satisfies z.ZodType<Page<KpiScorecard>>;

export const risksReportResponse = z.strictObject({
  countsByStatus: z.record(riskStatusSchema, count),
  risks: page(registerRisk),
});

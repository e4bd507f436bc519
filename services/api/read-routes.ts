import { z } from 'zod';
import type { DecisionContext, Read } from '../../domain/decision-rights';
import { partnershipIdSchema } from '../../domain/model';
import { partnershipKindSchema, type PartnershipKind } from '../../domain/policy/schema';
import { riskStatusSchema } from '../../domain/model';
import { CALENDAR, calendarBetween, type CalendarEntryKind } from '../../projections/calendar';
import { CYCLE_TIMES, readCycleTimes } from '../../projections/cycle-times';
import { INBOX, readInbox } from '../../projections/inbox';
import { KPI_SCORECARD, portfolioScorecards, readScorecard } from '../../projections/kpi-scorecard';
import { PORTFOLIO, readFunnel, readPortfolio, readPortfolioIds } from '../../projections/portfolio';
import { RISK_REGISTER, riskCountsByStatus, risksOf, risksPage } from '../../projections/risk-register';
import type { ReadModelReader } from '../../projections/runner/reader';
import { readSummaries, readSummary, SUMMARY, type SummaryStage } from '../../projections/summary';
import { readTimeline, TIMELINE } from '../../projections/timeline';
import { openEscalationsBoard, openTasks, overdueTasks, WORK_BOARD, type WorkReport } from '../../projections/work-board';
import type { LifecycleClient } from '../lifecycle-client';
import type { PathParam } from './command-routes';
import { Problem } from './problem';
import * as R from './read-responses';
import type { Principal } from './tokens';

/** What a read handler gets. */
export interface ReadContext {
  params: Record<string, string>;
  query: Record<string, unknown>;
  principal: Principal;
  reader: ReadModelReader;
  lifecycle: LifecycleClient;
  now: Date;
}

/**
 * A route that reads. Reads come from the read models (`models`, which `?after=` waits on), except the live state,
 * which asks the lifecycle itself.
 */
export interface ReadRoute {
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  params: readonly PathParam[];
  query: z.ZodObject;
  models: readonly string[];
  /** Who may read it (`READ_RIGHTS` in `domain/decision-rights.ts`), checked before anything is read. */
  read: Read;
  /** Who the read names, for rights that let a person read their own (e.g. `?owner=` of the work board). */
  named?: (query: Record<string, unknown>) => DecisionContext;
  /** What it answers with (200): documented in OpenAPI, and checked when `ApiDeps.checkResponses` is on. */
  response: z.ZodType;
  handle(ctx: ReadContext): Promise<unknown>;
}


const AFTER_DESCRIPTION = 'wait (briefly, boundedly) until the read model has applied this event, as commands return them';
/** `?after=` on a partnership's route: a sequence of that partnership, or an event id. */
const after = z
  .string()
  .regex(/^(\d+|[A-Za-z0-9][A-Za-z0-9._-]{0,127}\/\d+)$/, 'after is a sequence number of this partnership or an event id `<partnershipId>/<sequence>`')
  .optional()
  .describe(`${AFTER_DESCRIPTION}: a sequence of this partnership, or an event id \`<partnershipId>/<sequence>\``);
/** `?after=` elsewhere: only an event id says which partnership to wait for. */
const afterEvent = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\/\d+$/, 'after is an event id `<partnershipId>/<sequence>` on this route')
  .optional()
  .describe(`${AFTER_DESCRIPTION}: an event id \`<partnershipId>/<sequence>\``);

const id: PathParam = { name: 'id', schema: partnershipIdSchema, description: 'the partnership id' };
const limit = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);
/** `?limit&offset` of a paged list (at most 1,000 entries a page, 100 by default). */
const paging = { limit: limit(1000, 100), offset: z.coerce.number().int().min(0).default(0) };
/** The widest span one calendar read covers. */
const MAX_CALENDAR_DAYS = 400;
const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date());

async function notFound<T>(value: Promise<T | null>, what: string): Promise<T> {
  const v = await value;
  if (v === null) {
    throw new Problem(404, 'not_found', `${what} is not in the read model: check the id; right after a command, pass ?after=<sequence> to wait for it`);
  }
  return v;
}

/** Every read route of the API. */
export const READ_ROUTES: readonly ReadRoute[] = [
  {
    path: '/partnerships',
    operationId: 'listPartnerships',
    read: 'read_partnership',
    summary: 'List partnerships (summaries), filtered by stage, kind and owner',
    tag: 'partnerships',
    params: [],
    query: z.object({
      stage: R.stageSchema.optional(),
      kind: partnershipKindSchema.optional(),
      owner: z.string().min(1).optional(),
      ...paging,
      after: afterEvent,
    }),
    models: [PORTFOLIO, SUMMARY],
    response: R.partnershipListResponse,
    async handle({ query, reader }) {
      const q = query as { stage?: SummaryStage; kind?: PartnershipKind; owner?: string; limit: number; offset: number };
      const ids = await readPortfolioIds(reader, q);
      const page = ids.slice(q.offset, q.offset + q.limit);
      return { total: ids.length, offset: q.offset, limit: q.limit, items: await readSummaries(reader, page) };
    },
  },
  {
    path: '/partnerships/{id}',
    operationId: 'getPartnership',
    read: 'read_partnership',
    summary: "A partnership's summary: stage, people, scores, contract, health, next deadline, open work",
    tag: 'partnerships',
    params: [id],
    query: z.object({ after }),
    models: [SUMMARY],
    response: R.summaryResponse,
    handle: ({ params, reader }) => notFound(readSummary(reader, params.id as string), `partnership ${params.id}`),
  },
  {
    path: '/partnerships/{id}/state',
    operationId: 'getPartnershipState',
    read: 'read_partnership',
    summary: 'The live lifecycle state, asked of the lifecycle itself (not a read model)',
    tag: 'partnerships',
    params: [id],
    query: z.object({}),
    models: [],
    response: R.stateResponse,
    handle: ({ params, lifecycle }) => lifecycle.state(params.id as string),
  },
  {
    path: '/partnerships/{id}/timeline',
    operationId: 'getTimeline',
    read: 'read_partnership',
    summary: 'Every event of the partnership in order, with its actor: the audit trail',
    tag: 'partnerships',
    params: [id],
    query: z.object({ from: z.coerce.number().int().min(1).default(1), limit: limit(5000, 1000), after }),
    models: [TIMELINE],
    response: R.timelineResponse,
    handle: ({ params, query, reader }) =>
      notFound(readTimeline(reader, params.id as string, { fromSequence: query.from as number, limit: query.limit as number }), `partnership ${params.id}`),
  },
  {
    path: '/partnerships/{id}/risks',
    operationId: 'getPartnershipRisks',
    read: 'read_partnership',
    summary: "The partnership's risks, most severe first",
    tag: 'risks',
    params: [id],
    query: z.object({ after }),
    models: [RISK_REGISTER],
    response: R.partnershipRisksResponse,
    handle: ({ params, reader }) => notFound(risksOf(reader, params.id as string), `partnership ${params.id}`),
  },
  {
    path: '/partnerships/{id}/kpis',
    operationId: 'getPartnershipScorecard',
    read: 'read_partnership',
    summary: "The partnership's KPI scorecard: latest value against target, trend, ROI, health",
    tag: 'kpis',
    params: [id],
    query: z.object({ after }),
    models: [KPI_SCORECARD],
    response: R.scorecardResponse,
    handle: ({ params, reader }) => notFound(readScorecard(reader, params.id as string), `the scorecard of ${params.id}`),
  },
  {
    path: '/me/inbox',
    operationId: 'getInbox',
    read: 'read_own_inbox',
    summary: 'Reminders and escalations addressed to the caller, oldest first (one page, with the total)',
    tag: 'me',
    params: [],
    query: z.object({ ...paging, after: afterEvent }),
    models: [INBOX],
    response: R.inboxResponse,
    handle: async ({ principal, reader, query }) => ({
      person: principal.name,
      ...(await readInbox(reader, principal.name, { limit: query.limit as number, offset: query.offset as number })),
    }),
  },
  {
    path: '/reports/portfolio',
    operationId: 'reportPortfolio',
    read: 'read_portfolio_reports',
    summary: 'Partnerships by stage, kind and owner, and the funnel with rejection reasons',
    tag: 'reports',
    params: [],
    query: z.object({ limit: limit(1000, 100).describe('most ids in each list (the counts are whole)'), after: afterEvent }),
    models: [PORTFOLIO],
    response: R.portfolioReportResponse,
    handle: async ({ reader, query }) => {
      const [portfolio, funnel] = await Promise.all([readPortfolio(reader), readFunnel(reader)]);
      const max = query.limit as number;
      const count = (m: Record<string, string[]>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.length]));
      const cut = (m: Record<string, string[]>) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.slice(0, max)]));
      return {
        counts: { byStage: count(portfolio.byStage), byKind: count(portfolio.byKind), byOwner: count(portfolio.byOwner) },
        byStage: cut(portfolio.byStage),
        byKind: cut(portfolio.byKind),
        byOwner: cut(portfolio.byOwner),
        limit: max,
        funnel,
      };
    },
  },
  {
    path: '/reports/cycle-times',
    operationId: 'reportCycleTimes',
    read: 'read_portfolio_reports',
    summary: 'Time in each stage and due-diligence phase: p50/p90 per kind and the share within SLA',
    tag: 'reports',
    params: [],
    query: z.object({ after: afterEvent }),
    models: [CYCLE_TIMES],
    response: R.cycleTimesResponse,
    handle: ({ reader }) => readCycleTimes(reader),
  },
  {
    path: '/reports/work',
    operationId: 'reportWork',
    read: 'read_work_board',
    named: (query) => (query.owner === undefined ? {} : { taskOwner: query.owner as string, subject: `the work of ${query.owner as string}` }),
    summary: 'Open tasks by due date, overdue items, open escalations by level and addressee with their age',
    description:
      'Each list is one page (`limit` entries after `offset`, the same for the three lists) with the total it was cut from: open tasks soonest due first, overdue tasks most overdue first, escalations oldest first. `owner` narrows the task lists to one owner; the escalation counts per level and addressee are over every open escalation.',
    tag: 'reports',
    params: [],
    query: z.object({ owner: z.string().min(1).optional(), ...paging, after: afterEvent }),
    models: [WORK_BOARD],
    response: R.workReportResponse,
    handle: async ({ reader, query, now }) => {
      const owner = query.owner as string | undefined;
      const page = { limit: query.limit as number, offset: query.offset as number };
      const tasks = { ...page, ...(owner === undefined ? {} : { owner }) };
      const [openTasksPage, overdue, escalations] = await Promise.all([openTasks(reader, tasks), overdueTasks(reader, now, tasks), openEscalationsBoard(reader, now, page)]);
      return { at: now.toISOString(), openTasks: openTasksPage, overdue, escalations } satisfies WorkReport;
    },
  },
  {
    path: '/reports/calendar',
    operationId: 'reportCalendar',
    read: 'read_portfolio_reports',
    summary: 'Upcoming reviews, renewal windows, contract ends and notice period ends',
    tag: 'reports',
    params: [],
    query: z.object({
      from: isoDate.optional().describe('default: now'),
      to: isoDate.optional().describe('default: 90 days after from'),
      kind: R.calendarKindSchema.optional(),
      ...paging,
      after: afterEvent,
    }),
    models: [CALENDAR],
    response: R.calendarResponse,
    handle: async ({ reader, query, now }) => {
      const from = query.from === undefined ? now : new Date(query.from as string);
      const to = query.to === undefined ? new Date(from.getTime() + 90 * 86_400_000) : new Date(query.to as string);
      if (to.getTime() < from.getTime()) throw new Problem(422, 'invalid_field', 'query.to: must not be before from', [{ field: 'query.to', message: 'must not be before from' }]);
      if (to.getTime() - from.getTime() > MAX_CALENDAR_DAYS * 86_400_000) {
        const message = `at most ${MAX_CALENDAR_DAYS} days after from; read a longer span in several requests`;
        throw new Problem(422, 'invalid_field', `query.to: ${message}`, [{ field: 'query.to', message }]);
      }
      const kind = query.kind as CalendarEntryKind | undefined;
      const all = await calendarBetween(reader, from, to, kind === undefined ? {} : { kinds: [kind] });
      const [offset, max] = [query.offset as number, query.limit as number];
      return { from: from.toISOString(), to: to.toISOString(), total: all.length, offset, limit: max, entries: all.slice(offset, offset + max) };
    },
  },
  {
    path: '/reports/kpis',
    operationId: 'reportKpis',
    read: 'read_portfolio_reports',
    summary: 'KPI scorecards across the portfolio, ranked by ROI ((gain − cost) / cost)',
    description:
      'One page of scorecards (`limit` after `offset`): partnerships with an ROI first, best first, then those without one yet (no gain or no cost KPI recorded) by id; `total` counts every partnership with a scorecard.',
    tag: 'reports',
    params: [],
    query: z.object({ ...paging, after: afterEvent }),
    models: [KPI_SCORECARD],
    response: R.kpisReportResponse,
    handle: ({ reader, query }) => portfolioScorecards(reader, { limit: query.limit as number, offset: query.offset as number }),
  },
  {
    path: '/reports/risks',
    operationId: 'reportRisks',
    read: 'read_portfolio_reports',
    summary: 'The risk register across the portfolio, by severity and status',
    description: 'One page of risks (`limit` after `offset`), most severe first, with the `total` matching the filters; counts by status are over the whole register.',
    tag: 'reports',
    params: [],
    query: z.object({
      minSeverity: z.coerce.number().int().min(1).max(25).optional(),
      status: riskStatusSchema.optional(),
      ...paging,
      after: afterEvent,
    }),
    models: [RISK_REGISTER],
    response: R.risksReportResponse,
    handle: async ({ reader, query }) => {
      const status = query.status as z.infer<typeof riskStatusSchema> | undefined;
      const min = query.minSeverity as number | undefined;
      const [risks, counts] = await Promise.all([
        risksPage(reader, { limit: query.limit as number, offset: query.offset as number, ...(status === undefined ? {} : { status }), ...(min === undefined ? {} : { minSeverity: min }) }),
        riskCountsByStatus(reader),
      ]);
      return { countsByStatus: counts, risks };
    },
  },
];

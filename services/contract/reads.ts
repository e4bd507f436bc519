import { z } from 'zod';
import type { DecisionContext, Read } from '../../domain/decision-rights';
import { riskStatusSchema } from '../../domain/model';
import { partnershipKindSchema } from '../../domain/policy/schema';
import { PARAM, type PathParam } from './params';
import * as R from './responses';

/** The widest span one calendar read covers, in days. */
export const MAX_CALENDAR_DAYS = 400;

/** What a caller and the server agree on for a route that reads (always GET). */
export interface ReadContract<P extends string = string> {
  /** OpenAPI-style path under `API_PREFIX`. */
  path: P;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  params: readonly PathParam[];
  query: z.ZodObject;
  /** Who may read it (`READ_RIGHTS` in `domain/decision-rights.ts`), checked before anything is read. */
  read: Read;
  /** Who the read names, for rights that let a person read their own (e.g. `?owner=` of the work board). */
  named?: (query: Record<string, unknown>) => DecisionContext;
  /** What it answers with (200): documented in OpenAPI, and checked when `ApiDeps.checkResponses` is on. */
  response: z.ZodType;
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

const limit = (max: number, dflt: number) => z.coerce.number().int().min(1).max(max).default(dflt);
/** `?limit&offset` of a paged list (at most 1,000 entries a page, 100 by default). */
const paging = { limit: limit(1000, 100), offset: z.coerce.number().int().min(0).default(0) };
const isoDate = z.iso.datetime({ offset: true }).or(z.iso.date());

/** Keeps each route's path a literal type (for `pathOf`) while checking it is a contract. */
const contract = <const P extends string>(c: ReadContract<P>): ReadContract<P> => c;

/** Every read route, by operation id, in the order the OpenAPI document lists them. */
export const READ = {
  listPartnerships: contract({
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
    response: R.partnershipListResponse,
  }),
  getPartnership: contract({
    path: '/partnerships/{id}',
    operationId: 'getPartnership',
    read: 'read_partnership',
    summary: "A partnership's summary: stage, people, scores, contract, health, next deadline, open work",
    tag: 'partnerships',
    params: [PARAM.id],
    query: z.object({ after }),
    response: R.summaryResponse,
  }),
  getPartnershipState: contract({
    path: '/partnerships/{id}/state',
    operationId: 'getPartnershipState',
    read: 'read_partnership',
    summary: 'The live lifecycle state, asked of the lifecycle itself (not a read model)',
    tag: 'partnerships',
    params: [PARAM.id],
    query: z.object({}),
    response: R.stateResponse,
  }),
  getTimeline: contract({
    path: '/partnerships/{id}/timeline',
    operationId: 'getTimeline',
    read: 'read_partnership',
    summary: 'Every event of the partnership in order, with its actor: the audit trail',
    tag: 'partnerships',
    params: [PARAM.id],
    query: z.object({ from: z.coerce.number().int().min(1).default(1), limit: limit(5000, 1000), after }),
    response: R.timelineResponse,
  }),
  getPartnershipRisks: contract({
    path: '/partnerships/{id}/risks',
    operationId: 'getPartnershipRisks',
    read: 'read_partnership',
    summary: "The partnership's risks, most severe first",
    tag: 'risks',
    params: [PARAM.id],
    query: z.object({ after }),
    response: R.partnershipRisksResponse,
  }),
  getPartnershipScorecard: contract({
    path: '/partnerships/{id}/kpis',
    operationId: 'getPartnershipScorecard',
    read: 'read_partnership',
    summary: "The partnership's KPI scorecard: latest value against target, trend, ROI, health",
    tag: 'kpis',
    params: [PARAM.id],
    query: z.object({ after }),
    response: R.scorecardResponse,
  }),
  getInbox: contract({
    path: '/me/inbox',
    operationId: 'getInbox',
    read: 'read_own_inbox',
    summary: 'Reminders and escalations addressed to the caller, oldest first (one page, with the total)',
    tag: 'me',
    params: [],
    query: z.object({ ...paging, after: afterEvent }),
    response: R.inboxResponse,
  }),
  reportPortfolio: contract({
    path: '/reports/portfolio',
    operationId: 'reportPortfolio',
    read: 'read_portfolio_reports',
    summary: 'Partnerships by stage, kind and owner, and the funnel with rejection reasons',
    tag: 'reports',
    params: [],
    query: z.object({ limit: limit(1000, 100).describe('most ids in each list (the counts are whole)'), after: afterEvent }),
    response: R.portfolioReportResponse,
  }),
  reportCycleTimes: contract({
    path: '/reports/cycle-times',
    operationId: 'reportCycleTimes',
    read: 'read_portfolio_reports',
    summary: 'Time in each stage and due-diligence phase: p50/p90 per kind and the share within SLA',
    tag: 'reports',
    params: [],
    query: z.object({ after: afterEvent }),
    response: R.cycleTimesResponse,
  }),
  reportWork: contract({
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
    response: R.workReportResponse,
  }),
  reportCalendar: contract({
    path: '/reports/calendar',
    operationId: 'reportCalendar',
    read: 'read_portfolio_reports',
    summary: 'Upcoming reviews, renewal windows, contract ends and notice period ends',
    tag: 'reports',
    params: [],
    query: z.object({
      from: isoDate.optional().describe('default: now'),
      to: isoDate.optional().describe(`default: 90 days after from; not before from, and at most ${MAX_CALENDAR_DAYS} days after it (a rule across fields)`),
      kind: R.calendarKindSchema.optional(),
      ...paging,
      after: afterEvent,
    }),
    response: R.calendarResponse,
  }),
  reportKpis: contract({
    path: '/reports/kpis',
    operationId: 'reportKpis',
    read: 'read_portfolio_reports',
    summary: 'KPI scorecards across the portfolio, ranked by ROI ((gain − cost) / cost)',
    description:
      'One page of scorecards (`limit` after `offset`): partnerships with an ROI first, best first, then those without one yet (no gain or no cost KPI recorded) by id; `total` counts every partnership with a scorecard.',
    tag: 'reports',
    params: [],
    query: z.object({ ...paging, after: afterEvent }),
    response: R.kpisReportResponse,
  }),
  reportRisks: contract({
    path: '/reports/risks',
    operationId: 'reportRisks',
    read: 'read_portfolio_reports',
    summary: 'The risk register across the portfolio, by severity and status',
    description:
      'One page of risks (`limit` after `offset`), most severe first, with the `total` matching the filters; counts by status are over the whole register.',
    tag: 'reports',
    params: [],
    query: z.object({
      minSeverity: z.coerce.number().int().min(1).max(25).optional(),
      status: riskStatusSchema.optional(),
      ...paging,
      after: afterEvent,
    }),
    response: R.risksReportResponse,
  }),
};

export type ReadOperationId = keyof typeof READ;

/** Every read route, in the order the OpenAPI document lists them. */
export const READ_CONTRACTS: readonly ReadContract[] = Object.values(READ);

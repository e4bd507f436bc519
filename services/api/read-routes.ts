import type { z } from 'zod';
import type { riskStatusSchema } from '../../domain/model';
import type { PartnershipKind } from '../../domain/policy/schema';
import { CALENDAR, calendarBetween, type CalendarEntryKind } from '../../projections/calendar/read-model';
import { CYCLE_TIMES, readCycleTimes } from '../../projections/cycle-times/read-model';
import { INBOX, readInbox } from '../../projections/inbox/read-model';
import { KPI_SCORECARD, portfolioScorecards, readScorecard } from '../../projections/kpi-scorecard/read-model';
import { PORTFOLIO, readFunnel, readPortfolio, readPortfolioIds } from '../../projections/portfolio/read-model';
import { RISK_REGISTER, riskCountsByStatus, risksOf, risksPage } from '../../projections/risk-register/read-model';
import type { ReadModelReader } from '../../projections/runner/reader';
import { readSummaries, readSummary, SUMMARY, type SummaryStage } from '../../projections/summary/read-model';
import { readTimeline, TIMELINE } from '../../projections/timeline/read-model';
import { openEscalationsBoard, openTasks, overdueTasks, WORK_BOARD, type WorkReport } from '../../projections/work-board/read-model';
import type { Principal } from '../auth/tokens';
import { MAX_CALENDAR_DAYS, READ, type ReadContract, type ReadOperationId } from '../contract/reads';
import type { LifecycleClient } from '../lifecycle-client';
import { Problem } from './problem';

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
 * The server's side of a read route. Reads come from the read models (`models`, which `?after=` waits on), except the
 * live state, which asks the lifecycle itself.
 */
interface ReadServing {
  models: readonly string[];
  handle(ctx: ReadContext): Promise<unknown>;
}

/** A route that reads: its contract and how the server answers it. */
export type ReadRoute = ReadContract & ReadServing;

async function notFound<T>(value: Promise<T | null>, what: string): Promise<T> {
  const v = await value;
  if (v === null) {
    throw new Problem(404, 'not_found', `${what} is not in the read model: check the id; right after a command, pass ?after=<sequence> to wait for it`);
  }
  return v;
}

const SERVING: Record<ReadOperationId, ReadServing> = {
  listPartnerships: {
    models: [PORTFOLIO, SUMMARY],
    async handle({ query, reader }) {
      const q = query as { stage?: SummaryStage; kind?: PartnershipKind; owner?: string; limit: number; offset: number };
      const ids = await readPortfolioIds(reader, q);
      const page = ids.slice(q.offset, q.offset + q.limit);
      return { total: ids.length, offset: q.offset, limit: q.limit, items: await readSummaries(reader, page) };
    },
  },
  getPartnership: {
    models: [SUMMARY],
    handle: ({ params, reader }) => notFound(readSummary(reader, params.id as string), `partnership ${params.id}`),
  },
  getPartnershipState: {
    models: [],
    handle: ({ params, lifecycle }) => lifecycle.state(params.id as string),
  },
  getTimeline: {
    models: [TIMELINE],
    handle: ({ params, query, reader }) =>
      notFound(readTimeline(reader, params.id as string, { fromSequence: query.from as number, limit: query.limit as number }), `partnership ${params.id}`),
  },
  getPartnershipRisks: {
    models: [RISK_REGISTER],
    handle: ({ params, reader }) => notFound(risksOf(reader, params.id as string), `partnership ${params.id}`),
  },
  getPartnershipScorecard: {
    models: [KPI_SCORECARD],
    handle: ({ params, reader }) => notFound(readScorecard(reader, params.id as string), `the scorecard of ${params.id}`),
  },
  getInbox: {
    models: [INBOX],
    handle: async ({ principal, reader, query }) => ({
      person: principal.name,
      ...(await readInbox(reader, principal.name, { limit: query.limit as number, offset: query.offset as number })),
    }),
  },
  reportPortfolio: {
    models: [PORTFOLIO],
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
  reportCycleTimes: {
    models: [CYCLE_TIMES],
    handle: ({ reader }) => readCycleTimes(reader),
  },
  reportWork: {
    models: [WORK_BOARD],
    handle: async ({ reader, query, now }) => {
      const owner = query.owner as string | undefined;
      const page = { limit: query.limit as number, offset: query.offset as number };
      const tasks = { ...page, ...(owner === undefined ? {} : { owner }) };
      const [openTasksPage, overdue, escalations] = await Promise.all([
        openTasks(reader, tasks),
        overdueTasks(reader, now, tasks),
        openEscalationsBoard(reader, now, page),
      ]);
      return { at: now.toISOString(), openTasks: openTasksPage, overdue, escalations } satisfies WorkReport;
    },
  },
  reportCalendar: {
    models: [CALENDAR],
    handle: async ({ reader, query, now }) => {
      const from = query.from === undefined ? now : new Date(query.from as string);
      const to = query.to === undefined ? new Date(from.getTime() + 90 * 86_400_000) : new Date(query.to as string);
      if (to.getTime() < from.getTime())
        throw new Problem(422, 'invalid_field', 'query.to: must not be before from', [{ field: 'query.to', message: 'must not be before from' }]);
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
  reportKpis: {
    models: [KPI_SCORECARD],
    handle: ({ reader, query }) => portfolioScorecards(reader, { limit: query.limit as number, offset: query.offset as number }),
  },
  reportRisks: {
    models: [RISK_REGISTER],
    handle: async ({ reader, query }) => {
      const status = query.status as z.infer<typeof riskStatusSchema> | undefined;
      const min = query.minSeverity as number | undefined;
      const [risks, counts] = await Promise.all([
        risksPage(reader, {
          limit: query.limit as number,
          offset: query.offset as number,
          ...(status === undefined ? {} : { status }),
          ...(min === undefined ? {} : { minSeverity: min }),
        }),
        riskCountsByStatus(reader),
      ]);
      return { countsByStatus: counts, risks };
    },
  },
};

/** Every read route of the API, in the contract's order. */
export const READ_ROUTES: readonly ReadRoute[] = (Object.keys(READ) as ReadOperationId[]).map((id) => ({ ...READ[id], ...SERVING[id] }));

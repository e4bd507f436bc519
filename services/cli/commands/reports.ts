import { riskStatusSchema } from '../../../domain/model';
import { READ } from '../../contract/reads';
import { calendarKindSchema } from '../../contract/responses';
import { one, READ_HELP, PAGE_OPTIONS, PAGE_HELP, pageQuery } from '../flags';
import * as render from '../render';
import { apiRead, type CommandSpec } from '../spec';

/* `reports …`: portfolio-wide reads. */

export const REPORT_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'reports portfolio',
    synopsis: '',
    summary: 'partnerships by stage, kind and owner; the funnel and rejection reasons',
    help: [READ_HELP],
    options: {},
    args: [0, 0],
    after: true,
    plan: (p) => apiRead(READ.reportPortfolio, {}, render.portfolioReport, { after: one(p, 'after') }),
  },
  {
    name: 'reports cycle-times',
    synopsis: '',
    summary: 'time in each stage and due-diligence phase: p50/p90 per kind, share within SLA',
    help: [READ_HELP],
    options: {},
    args: [0, 0],
    after: true,
    plan: (p) => apiRead(READ.reportCycleTimes, {}, render.cycleTimesReport, { after: one(p, 'after') }),
  },
  {
    name: 'reports work',
    synopsis: '[--owner <person>] [--limit <n>] [--offset <n>]',
    summary: 'open tasks by due date, overdue items, open escalations (counted by level and addressee)',
    help: ["--owner <person>         only this person's tasks", '--limit <n>, --offset <n>   paging of each list (default 100 from 0)', READ_HELP],
    options: { owner: { type: 'string' }, ...PAGE_OPTIONS },
    args: [0, 0],
    after: true,
    plan: (p) => apiRead(READ.reportWork, {}, render.workReport, { owner: one(p, 'owner'), ...pageQuery(p), after: one(p, 'after') }),
  },
  {
    name: 'reports calendar',
    synopsis: '[--from <date>] [--to <date>] [--kind <kind>]',
    summary: 'upcoming reviews, renewal windows, contract ends, notice ends',
    help: [
      '--from <date>            default: now',
      '--to <date>              default: 90 days after --from',
      `--kind <kind>            ${calendarKindSchema.options.join(' | ')}`,
      READ_HELP,
    ],
    options: { from: { type: 'string' }, to: { type: 'string' }, kind: { type: 'string' } },
    args: [0, 0],
    after: true,
    plan: (p) =>
      apiRead(READ.reportCalendar, {}, render.calendarReport, { from: one(p, 'from'), to: one(p, 'to'), kind: one(p, 'kind'), after: one(p, 'after') }),
  },
  {
    name: 'reports kpis',
    synopsis: '[--limit <n>] [--offset <n>]',
    summary: 'KPI scorecards across the portfolio, ranked by ROI (then those without one yet)',
    help: [PAGE_HELP, READ_HELP],
    options: PAGE_OPTIONS,
    args: [0, 0],
    after: true,
    plan: (p) => apiRead(READ.reportKpis, {}, render.kpisReport, { ...pageQuery(p), after: one(p, 'after') }),
  },
  {
    name: 'reports risks',
    synopsis: '[--min-severity <1-25>] [--status <status>] [--limit <n>] [--offset <n>]',
    summary: 'the risk register across the portfolio',
    help: ['--min-severity <n>       likelihood × impact, 1–25', `--status <status>        ${riskStatusSchema.options.join(' | ')}`, PAGE_HELP, READ_HELP],
    options: { 'min-severity': { type: 'string' }, status: { type: 'string' }, ...PAGE_OPTIONS },
    args: [0, 0],
    after: true,
    plan: (p) =>
      apiRead(READ.reportRisks, {}, render.risksReport, {
        minSeverity: one(p, 'min-severity'),
        status: one(p, 'status'),
        ...pageQuery(p),
        after: one(p, 'after'),
      }),
  },
];

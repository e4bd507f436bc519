import { arr, num, obj, objs, str, type JsonObject } from './json';
import { keyValues, objectTable, section, table } from './table';

/** Turns a 2xx answer body into what a person reads. */
export type Renderer = (body: unknown) => string;

/** A duration in ms as `3d 4h`, `2h 5m`, `4m 10s`, `850ms`. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

const stageOf = (o: JsonObject): string => {
  const stage = str(o.stage) ?? '-';
  const phase = str(o.phase);
  return phase === undefined ? stage : `${stage} (${phase})`;
};

const percent = (share: unknown): string => {
  const n = num(share);
  return n === undefined ? '-' : `${Math.round(n * 100)}%`;
};

/** A command's answer: what was done, where the partnership now stands, the events recorded. */
export function commandResult(headline: string): Renderer {
  return (body) => {
    const b = obj(body);
    const state = obj(b.state);
    const actor = obj(b.actor);
    const events = objs(b.events);
    const last = str(events[events.length - 1]?.id);
    const pairs: Array<[string, unknown]> = [
      ['partnership', b.partnershipId],
      ['stage', stageOf(state)],
      ['acted as', actor.id === undefined ? undefined : `${str(actor.id) ?? '?'} (${str(actor.role) ?? '?'})`],
      ['open tasks', arr(state.openTasks).length],
    ];
    if (last !== undefined) pairs.push(['last event', `${last}  (reads: add --after ${last} to wait for it)`]);
    return `${headline}\n${keyValues(pairs)}${section(
      'events recorded',
      objectTable(events, [
        ['seq', 'sequence'],
        ['event id', 'id'],
        ['type', 'type'],
      ]),
    )}`;
  };
}

const SUMMARY_COLUMNS: ReadonlyArray<readonly [string, (s: JsonObject) => unknown]> = [
  ['id', (s) => s.partnershipId],
  ['name', (s) => s.name],
  ['stage', (s) => stageOf(s)],
  ['kind', (s) => s.kind],
  ['owner', (s) => s.owner],
  ['score', (s) => s.compositeScore],
  ['health', (s) => s.healthScore],
  ['tasks', (s) => s.openTasks],
  ['esc', (s) => s.openEscalations],
  ['next deadline', (s) => s.nextDeadline],
];

/** A page of a list as the API returns it (`{ total, offset, limit, items }`): its rows, and the range it shows. */
function paged(body: unknown): { items: JsonObject[]; total: number; range: string } {
  const b = obj(body);
  const items = objs(b.items);
  const total = num(b.total) ?? items.length;
  const offset = num(b.offset) ?? 0;
  const shown = items.length === 0 ? `none of ${total} on this page` : `${offset + 1}–${offset + items.length} of ${total}`;
  return { items, total, range: `${shown}${offset + items.length < total ? ' (more with --offset)' : ''}\n` };
}

/** The range line under a page's table, left out when the page is the whole list. */
const footerOf = (page: ReturnType<typeof paged>): string => (page.items.length === page.total ? '' : page.range);

export const partnershipList: Renderer = (body) => {
  const page = paged(body);
  return `${objectTable(page.items, SUMMARY_COLUMNS, { empty: 'no partnerships match' })}${page.items.length === 0 ? '' : `\n${page.range}`}`;
};

export const partnershipSummary: Renderer = (body) => {
  const s = obj(body);
  const health = obj(s.healthRatings);
  const contract = obj(s.contract);
  const out = keyValues([
    ['id', s.partnershipId],
    ['name', s.name],
    ['stage', stageOf(s)],
    ['kind', s.kind],
    ['owner', s.owner],
    ['sponsor', s.sponsor],
    ['screening score', s.compositeScore],
    ['contract', s.contract === null || s.contract === undefined ? null : `${str(contract.start) ?? '?'} → ${str(contract.end) ?? '?'}`],
    ['health', s.healthScore],
    ['next deadline', s.nextDeadline],
    ['open tasks', s.openTasks],
    ['open escalations', s.openEscalations],
    ['last event at', s.lastEventAt],
  ]);
  const ratings = Object.entries(health);
  return ratings.length === 0 ? out : `${out}${section('relationship health', table(['dimension', 'rating'], ratings))}`;
};

export const timeline: Renderer = (body) => {
  const t = obj(body);
  const entries = objs(t.entries);
  const head = keyValues([
    ['id', t.partnershipId],
    ['events', t.events],
    ['first at', t.firstAt],
    ['last at', t.lastAt],
    ['last event', t.lastType],
  ]);
  const rows = entries.map((e) => {
    const actor = obj(e.actor);
    return [e.sequence, e.at, e.type, e.version, `${str(actor.id) ?? '?'} (${str(actor.role) ?? '?'})`];
  });
  const last = num(entries[entries.length - 1]?.sequence);
  const more = last !== undefined && last < (num(t.events) ?? 0) ? `\nmore from --from ${last + 1}\n` : '';
  return `${head}${section('events', table(['seq', 'at', 'event', 'v', 'by'], rows))}${more}`;
};

export const partnershipState: Renderer = (body) => {
  const s = obj(body);
  if (s.stage === 'unregistered') return 'not registered\n';
  const contract = obj(s.contract);
  let out = keyValues([
    ['id', s.partnershipId],
    ['name', s.name],
    ['partner', s.partner],
    ['kind', s.kind],
    ['stage', stageOf(s)],
    ['owner', s.owner],
    ['policy', s.policyVersion],
    ['sequence', s.sequence],
    ['registered at', s.registeredAt],
    ['updated at', s.updatedAt],
    ['contract', s.contract === null || s.contract === undefined ? null : `${str(contract.start) ?? '?'} → ${str(contract.end) ?? '?'}`],
    ['next deadline', s.nextDeadline],
    ['next wake-up', s.nextWakeAt],
  ]);
  out += section(
    'open tasks',
    objectTable(objs(s.openTasks), [
      ['task', 'id'],
      ['kind', 'kind'],
      ['owner', 'owner'],
      ['due', 'dueAt'],
      ['legal', 'legal'],
      ['last step', 'lastStep'],
      ['title', 'title'],
    ]),
  );
  const escalations = objs(s.openEscalations);
  if (escalations.length > 0) {
    out += section(
      'open escalations',
      objectTable(escalations, [
        ['reference', (e) => `${str(s.partnershipId) ?? '?'}/${str(e.id) ?? '?'}`],
        ['level', 'level'],
        ['addressee', (e) => addressee(e.addressee)],
        ['at', 'at'],
        ['acknowledged', 'acknowledgedAt'],
      ]),
    );
  }
  const risks = objs(s.risks);
  if (risks.length > 0)
    out += section(
      'risks',
      objectTable(risks, [
        ['risk', 'id'],
        ['title', 'title'],
        ['score', 'score'],
        ['status', 'status'],
        ['owner', 'owner'],
      ]),
    );
  const kpis = objs(s.kpis);
  if (kpis.length > 0)
    out += section(
      'kpis',
      objectTable(kpis, [
        ['kpi', 'id'],
        ['name', 'name'],
        ['target', 'target'],
        ['latest', (k) => obj(k.latest).value],
      ]),
    );
  return out;
};

export const inbox: Renderer = (body) => {
  const b = obj(body);
  const page = paged(body);
  return `inbox of ${str(b.person) ?? '?'}\n${objectTable(
    page.items,
    [
      ['kind', 'kind'],
      ['reference', (i) => `${str(i.partnershipId) ?? '?'}/${str(i.escalationId) ?? '?'}`],
      ['step', 'step'],
      ['fired at', 'firedAt'],
      ['respond by', 'respondBy'],
      ['task', 'taskTitle'],
    ],
    { empty: 'nothing in the inbox' },
  )}${page.items.length === 0 ? '' : footerOf(page)}`;
};

const counts = (o: unknown) => Object.entries(obj(o)).sort(([a], [b]) => a.localeCompare(b));

/** Counts on one line: `L1 3, L2 1`. */
const inline = (o: unknown): string =>
  counts(o)
    .map(([k, v]) => `${k} ${num(v) ?? '?'}`)
    .join(', ') || '-';

export const portfolioReport: Renderer = (body) => {
  const b = obj(body);
  const c = obj(b.counts);
  const funnel = obj(b.funnel);
  let out = section('by stage', table(['stage', 'partnerships'], counts(c.byStage))).slice(1);
  out += section('by kind', table(['kind', 'partnerships'], counts(c.byKind)));
  out += section('by owner', table(['owner', 'partnerships'], counts(c.byOwner)));
  out += section(
    'funnel',
    keyValues([
      ['screened', funnel.screened],
      ['diligence', funnel.diligence],
      ['launched', funnel.launched],
      ['rejected', funnel.rejected],
    ]),
  );
  const at = counts(funnel.rejectedAt);
  if (at.length > 0) out += section('rejected at', table(['gate', 'count'], at));
  const reasons = counts(funnel.rejectionReasons);
  if (reasons.length > 0) out += section('rejection reasons', table(['reason', 'count'], reasons));
  return out;
};

export const cycleTimesReport: Renderer = (body) => {
  const rows: unknown[][] = [];
  for (const [kind, phases] of Object.entries(obj(body))) {
    for (const [phase, stats] of Object.entries(obj(phases))) {
      const s = obj(stats);
      rows.push([kind, phase, num(s.count) ?? 0, duration(num(s.p50Ms)), duration(num(s.p90Ms)), percent(s.withinSlaShare)]);
    }
  }
  return table(['kind', 'phase', 'count', 'p50', 'p90', 'within sla'], rows, { right: [2, 3, 4, 5] });
};

/** `<person> (<role>)` of an addressee object. */
const addressee = (a: unknown): string => {
  const o = obj(a);
  return `${str(o.id) ?? '?'}${str(o.role) === undefined ? '' : ` (${str(o.role)})`}`;
};

export const workReport: Renderer = (body) => {
  const b = obj(body);
  const taskCols: ReadonlyArray<readonly [string, keyof JsonObject | ((t: JsonObject) => unknown)]> = [
    ['partnership', 'partnershipId'],
    ['task', 'taskId'],
    ['owner', 'owner'],
    ['due', 'dueAt'],
    ['title', 'title'],
  ];
  const tasks = paged(b.openTasks);
  const overdue = paged(b.overdue);
  const escalations = paged(b.escalations);
  let out = `at ${str(b.at) ?? '-'}\n`;
  out += section('open tasks', objectTable(tasks.items, taskCols)) + footerOf(tasks);
  out += section('overdue', objectTable(overdue.items, taskCols)) + footerOf(overdue);
  out += section(
    'open escalations',
    objectTable(escalations.items, [
      ['reference', (e) => `${str(e.partnershipId) ?? '?'}/${str(e.escalationId) ?? '?'}`],
      ['level', 'step'],
      ['addressee', (e) => addressee(e.addressee)],
      ['age', (e) => duration(num(e.ageMs))],
      ['respond by', 'respondBy'],
    ]),
  );
  out += footerOf(escalations);
  const e = obj(b.escalations);
  if ((num(e.total) ?? 0) > 0) out += `by level: ${inline(e.byLevel)}\nby addressee: ${inline(e.byAddressee)}\n`;
  return out;
};

export const calendarReport: Renderer = (body) => {
  const b = obj(body);
  return `from ${str(b.from) ?? '-'} to ${str(b.to) ?? '-'}\n${objectTable(
    objs(b.entries),
    [
      ['at', 'at'],
      ['partnership', 'partnershipId'],
      ['kind', 'kind'],
      ['status', 'status'],
      ['title', 'title'],
    ],
    { empty: 'nothing in this window' },
  )}`;
};

export const kpisReport: Renderer = (body) => {
  const cards = paged(body);
  let out = section(
    'by roi',
    objectTable(cards.items, [
      ['partnership', 'partnershipId'],
      ['roi', (c) => obj(c.roi).roi ?? 'not yet (needs a gain and a cost KPI)'],
    ]),
  ).slice(1);
  const rows: unknown[][] = [];
  for (const card of cards.items) {
    for (const k of objs(card.kpis)) rows.push([card.partnershipId, k.kpiId, k.family, k.target, obj(k.latest).value, k.met, k.unit]);
  }
  out += section('kpis', table(['partnership', 'kpi', 'family', 'target', 'latest', 'met', 'unit'], rows));
  return out + footerOf(cards);
};

const RISK_COLUMNS: Array<[string, string]> = [
  ['risk', 'riskId'],
  ['severity', 'severity'],
  ['status', 'status'],
  ['category', 'category'],
  ['owner', 'owner'],
  ['title', 'title'],
];

export const risksReport: Renderer = (body) => {
  const b = obj(body);
  let out = section('by status', table(['status', 'risks'], counts(b.countsByStatus))).slice(1);
  const risks = paged(b.risks);
  out += section('risks', objectTable(risks.items, [['partnership', 'partnershipId'], ...RISK_COLUMNS])) + footerOf(risks);
  return out;
};

/** One partnership's risks, most severe first. */
export const partnershipRisks: Renderer = (body) => objectTable(objs(body), RISK_COLUMNS, { empty: 'no risks recorded' });

/** One partnership's KPI scorecard: each KPI's latest value against its target, the ROI, the health ratings. */
export const scorecard: Renderer = (body) => {
  const c = obj(body);
  const rows = objs(c.kpis).map((k) => [k.kpiId, k.family, k.direction, k.target, obj(k.latest).value, k.met, k.unit, arr(k.trend).length]);
  const roi = obj(c.roi);
  let out = `${keyValues([
    ['id', c.partnershipId],
    [
      'roi',
      c.roi === null || c.roi === undefined
        ? typeof c.roiMissing === 'string'
          ? `none: ${c.roiMissing}`
          : null
        : `${String(roi.roi)} (gain ${String(roi.gain)}, cost ${String(roi.cost)})`,
    ],
  ])}`;
  out += section(
    'kpis',
    rows.length === 0 ? 'no KPIs defined yet\n' : table(['kpi', 'family', 'direction', 'target', 'latest', 'met', 'unit', 'values'], rows),
  );
  const health = Object.entries(obj(c.health)).map(([dimension, point]) => [dimension, obj(point).rating, obj(point).at]);
  if (health.length > 0) out += section('relationship health', table(['dimension', 'rating', 'at'], health));
  return out;
};

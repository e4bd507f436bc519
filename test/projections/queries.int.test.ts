import type { Redis } from 'ioredis';
import type { CloudEvent } from '../../domain/cloudevent';
import { createRedis } from '../../platform/clients';
import { inboxProjection, readInbox } from '../../projections/inbox/read-model';
import { portfolioProjection, readPortfolio, readPortfolioIds, type PortfolioFilter } from '../../projections/portfolio/read-model';
import { kpiScorecardProjection, portfolioScorecards } from '../../projections/kpi-scorecard/read-model';
import { riskCountsByStatus, riskRegisterProjection, risksPage } from '../../projections/risk-register/read-model';
import { compileProjection, foldEvents, ReadModelReader, ReadModelStore, type Projection } from '../../projections/runner';
import { openEscalationsBoard, openTasks, overdueTasks, workBoardProjection } from '../../projections/work-board/read-model';
import { testConfig } from '../support/stack';
import { inboxResponse, kpisReportResponse, risksReportResponse, workReportResponse } from '../../services/contract/responses';
import { sampleData } from '../unit/projections/support/events';
import { fired, risk as riskData, story, task } from '../unit/projections/support/story';
import { dropKeys, sandbox } from './support/harness';

/*
 * The paged report queries against real Redis: events folded by the runner's fold and written by the apply script,
 * then read page by page. Paging must cut the same ranking the whole list has, and count what it cut from.
 */

const risk = (id: string, likelihood: number, impact: number) => ({ risk: riskData(id, likelihood, impact, { category: 'financial' }) });

async function write(store: ReadModelStore, projection: Projection, events: readonly CloudEvent[]): Promise<void> {
  const model = compileProjection(projection);
  await store.ensureCurrent(model.name);
  const fold = foldEvents(
    model,
    new Map(),
    events.map((event, i) => ({ event, stream: 'partnership', position: `test:0@${i}` })),
  );
  const [result] = await store.apply([
    { model: model.name, target: { kind: 'current' }, expectGeneration: (await store.current(model.name)) as string, changes: fold.changes, offsets: [] },
  ]);
  expect(result?.status).toBe('ok');
}

/** Partnerships of two kinds and two owners, in four stages. */
const registered = (id: string, kind: string, owner: string) =>
  story(id).add('PartnershipRegistered', { ...sampleData('PartnershipRegistered', id, 1, '2025-01-01T01:00:00.000Z'), kind, owner });
const portfolio = [
  ...registered('p-1', 'alliance', 'olga.owner').events,
  ...registered('p-2', 'technology', 'olga.owner').add('DueDiligencePhaseStarted', { phase: 'preliminary', endsAt: '2025-03-01T00:00:00.000Z' }).events,
  ...registered('p-3', 'technology', 'pat.pmo').add('PartnershipRejected', { gate: 'screening', rationale: 'no fit' }).events,
  ...registered('p-4', 'alliance', 'pat.pmo')
    .add('DueDiligencePhaseStarted', { phase: 'preliminary', endsAt: '2025-03-01T00:00:00.000Z' })
    .add('LaunchStarted', { endsAt: '2025-06-01T00:00:00.000Z' }).events,
  ...registered('p-5', 'alliance', 'olga.owner').events,
];

describe('paged report queries (real Redis)', () => {
  const box = sandbox('queries');
  let redis: Redis;
  let reader: ReadModelReader;

  beforeAll(async () => {
    redis = createRedis(testConfig());
    const store = new ReadModelStore(redis, box.prefix);
    reader = new ReadModelReader(redis, box.prefix);
    // Severities 12, 12, 20, 4, 12 and 9 across three partnerships: ties are ranked by partnership, then risk id.
    const risks = [
      ...story('p-b')
        .add('PartnershipRegistered')
        .add('RiskAdded', risk('r-2', 3, 4))
        .add('RiskAdded', risk('r-1', 4, 3)).events,
      ...story('p-a')
        .add('PartnershipRegistered')
        .add('RiskAdded', risk('r-9', 4, 5))
        .add('RiskAdded', risk('r-3', 2, 2))
        .add('RiskAdded', risk('r-5', 4, 3)).events,
      ...story('p-c')
        .add('PartnershipRegistered')
        .add('RiskAdded', risk('r-1', 3, 3))
        .add('RiskUpdated', { riskId: 'r-1', changes: { status: 'mitigating' } }).events,
    ];
    await write(store, riskRegisterProjection, risks);
    const work = [
      ...story('p-a')
        .add('PartnershipRegistered')
        .add('TaskOpened', task('a1', '2025-01-03T00:00:00.000Z'))
        .add('TaskOpened', task('a2', '2025-01-20T00:00:00.000Z', { owner: 'pat.pmo' }))
        .add('EscalationStepFired', fired('a1', 'L1', { role: 'pmo_lead', id: 'pat.pmo' }, '2025-01-04T00:00:00.000Z'))
        .add('EscalationStepFired', fired('a1', 'L2', { role: 'executive_sponsor', id: 'sam.sponsor' }, '2025-01-06T00:00:00.000Z')).events,
      ...story('p-b')
        .add('PartnershipRegistered')
        .add('TaskOpened', task('b1', '2025-01-02T00:00:00.000Z'))
        .add('TaskOpened', task('b2', '2025-01-10T00:00:00.000Z'))
        .add('EscalationStepFired', fired('b1', 'reminder', { role: 'owner', id: 'olga.owner' }, '2025-01-01T12:00:00.000Z'))
        .add('EscalationStepFired', fired('b1', 'L1', { role: 'pmo_lead', id: 'pat.pmo' }, '2025-01-03T00:00:00.000Z')).events,
    ];
    await write(store, workBoardProjection, work);
    await write(store, inboxProjection, work);
    const contract = { start: '2025-01-02T00:00:00.000Z', end: '2026-01-02T00:00:00.000Z', noticePeriod: 'P30D', autoRenew: false };
    const kpis = [
      { id: 'revenue-generated', name: 'Revenue', family: 'financial', target: 1000, unit: 'EUR', direction: 'higher_is_better' },
      { id: 'investment', name: 'Investment', family: 'financial', target: 500, unit: 'EUR', direction: 'lower_is_better' },
    ];
    const launched = (id: string) => story(id).add('PartnershipRegistered').add('OptimizationStarted', { contract, kpis });
    const cards = [
      ...launched('p-b').add('KpiRecorded', { kpiId: 'revenue-generated', value: 600 }).add('KpiRecorded', { kpiId: 'investment', value: 400 }).events,
      ...launched('p-c').add('KpiRecorded', { kpiId: 'revenue-generated', value: 900 }).events,
      ...launched('p-a').add('KpiRecorded', { kpiId: 'revenue-generated', value: 1200 }).add('KpiRecorded', { kpiId: 'investment', value: 400 }).events,
      ...story('p-d').add('PartnershipRegistered').events,
    ];
    await write(store, kpiScorecardProjection, cards);
    await write(store, portfolioProjection, portfolio);
  });

  afterAll(async () => {
    await dropKeys(redis, box.prefix);
    redis.disconnect();
  });

  test('risks: pages of two concatenate to the whole ranking (most severe first, ties by partnership then risk id)', async () => {
    const all = await risksPage(reader);
    expect(all.items.map((r) => `${r.partnershipId}/${r.riskId}:${r.severity}`)).toEqual([
      'p-a/r-9:20',
      'p-a/r-5:12',
      'p-b/r-1:12',
      'p-b/r-2:12',
      'p-c/r-1:9',
      'p-a/r-3:4',
    ]);
    expect(all).toMatchObject({ total: 6, offset: 0, limit: 100 });
    const pages = await Promise.all([0, 2, 4].map((offset) => risksPage(reader, { offset, limit: 2 })));
    expect(pages.map((p) => p.total)).toEqual([6, 6, 6]);
    expect(pages.flatMap((p) => p.items)).toEqual(all.items);
    expect(await risksPage(reader, { offset: 6, limit: 2 })).toEqual({ total: 6, offset: 6, limit: 2, items: [] });
  });

  test('risks: filters apply before paging, and the total counts what they let through', async () => {
    const severe = await risksPage(reader, { minSeverity: 10, limit: 2, offset: 2 });
    expect(severe.total).toBe(4);
    expect(severe.items.map((r) => `${r.partnershipId}/${r.riskId}`)).toEqual(['p-b/r-1', 'p-b/r-2']);
    const mitigating = await risksPage(reader, { status: 'mitigating' });
    expect(mitigating.items.map((r) => `${r.partnershipId}/${r.riskId}`)).toEqual(['p-c/r-1']);
    expect((await risksPage(reader, { status: 'open', minSeverity: 12 })).total).toBe(4);
  });

  test('work: tasks page by due date, per owner from its own index; overdue is cut at now', async () => {
    const all = await openTasks(reader);
    expect(all.items.map((t) => t.taskId)).toEqual(['b1', 'a1', 'b2', 'a2']);
    const second = await openTasks(reader, { offset: 1, limit: 2 });
    expect(second).toMatchObject({ total: 4, offset: 1, limit: 2 });
    expect(second.items.map((t) => t.taskId)).toEqual(['a1', 'b2']);
    const olga = await openTasks(reader, { owner: 'olga.owner', limit: 2 });
    expect(olga.total).toBe(3);
    expect(olga.items.map((t) => t.taskId)).toEqual(['b1', 'a1']);
    const now = new Date('2025-01-05T00:00:00.000Z');
    const overdue = await overdueTasks(reader, now);
    expect(overdue.items.map((t) => t.taskId)).toEqual(['b1', 'a1']);
    expect((await overdueTasks(reader, now, { owner: 'pat.pmo' })).total).toBe(0);
  });

  // An escalation fired when its event was recorded: the story's events are an hour apart from 2025-01-01T00:00.
  test('work: escalations page oldest first, one per task (a later step supersedes); counts per level and addressee cover all of them, reminders excluded', async () => {
    const now = new Date('2025-01-07T00:00:00.000Z');
    const board = await openEscalationsBoard(reader, now, { limit: 1 });
    expect(board.total).toBe(2);
    const first = board.items[0];
    expect(first && [first.partnershipId, first.escalationId, first.ageMs]).toEqual(['p-a', 'a1:0:L2', now.getTime() - Date.parse(first?.firedAt ?? '')]);
    expect((await openEscalationsBoard(reader, now, { offset: 1 })).items.map((e) => e.escalationId)).toEqual(['b1:0:L1']);
    expect(board.byLevel).toEqual({ L1: 1, L2: 1 });
    expect(board.byAddressee).toEqual({ 'pat.pmo': 1, 'sam.sponsor': 1 });
  });

  test('inbox: a person’s reminders and escalations page oldest first, with the total; a superseded step is not there', async () => {
    const all = await readInbox(reader, 'pat.pmo');
    expect(all).toMatchObject({ total: 1, offset: 0, limit: 100 });
    expect(all.items.map((i) => `${i.partnershipId}/${i.escalationId} ${i.kind}`)).toEqual(['p-b/b1:0:L1 escalation']);
    expect(await readInbox(reader, 'pat.pmo', { offset: 1, limit: 1 })).toEqual({ total: 1, offset: 1, limit: 1, items: [] });
    expect((await readInbox(reader, 'sam.sponsor')).items.map((i) => `${i.partnershipId}/${i.escalationId} ${i.kind}`)).toEqual(['p-a/a1:0:L2 escalation']);
    // b1's reminder to its owner was superseded when b1 climbed to L1.
    expect((await readInbox(reader, 'olga.owner')).items).toEqual([]);
    expect(await readInbox(reader, 'nobody')).toEqual({ total: 0, offset: 0, limit: 100, items: [] });
  });

  test('what the queries return is what the API documents (its response schemas), items included', async () => {
    const now = new Date('2025-01-07T00:00:00.000Z');
    const [tasks, overdue, escalations] = await Promise.all([openTasks(reader), overdueTasks(reader, now), openEscalationsBoard(reader, now)]);
    expect(workReportResponse.parse({ at: now.toISOString(), openTasks: tasks, overdue, escalations }).escalations.items).toHaveLength(2);
    expect(inboxResponse.parse({ person: 'pat.pmo', ...(await readInbox(reader, 'pat.pmo')) }).items).toHaveLength(1);
    expect(risksReportResponse.parse({ countsByStatus: await riskCountsByStatus(reader), risks: await risksPage(reader) }).risks.items).toHaveLength(6);
    expect(kpisReportResponse.parse(await portfolioScorecards(reader)).items).toHaveLength(3);
  });

  test('kpis: scorecards with an ROI first (best first), then those without one by id; partnerships with no scorecard are not listed', async () => {
    const all = await portfolioScorecards(reader);
    expect(all.total).toBe(3);
    expect(all.items.map((c) => [c.partnershipId, c.roi?.roi ?? null])).toEqual([
      ['p-a', 2],
      ['p-b', 0.5],
      ['p-c', null],
    ]);
    const last = await portfolioScorecards(reader, { offset: 2, limit: 2 });
    expect(last).toMatchObject({ total: 3, offset: 2, limit: 2 });
    expect(last.items.map((c) => c.partnershipId)).toEqual(['p-c']);
    expect(last.items[0]?.kpis.map((k) => [k.kpiId, k.latest?.value ?? null])).toEqual([
      ['revenue-generated', 900],
      ['investment', null],
    ]);
  });

  test('partnership list: the ids every filter given matches, read from the sets the filters name, sorted', async () => {
    const ids = (filter: PortfolioFilter) => readPortfolioIds(reader, filter);
    expect(await ids({})).toEqual(['p-1', 'p-2', 'p-3', 'p-4', 'p-5']);
    expect(await ids({ stage: 'screening' })).toEqual(['p-1', 'p-5']);
    expect(await ids({ kind: 'technology' })).toEqual(['p-2', 'p-3']);
    expect(await ids({ owner: 'pat.pmo' })).toEqual(['p-3', 'p-4']);
    expect(await ids({ kind: 'alliance', owner: 'olga.owner' })).toEqual(['p-1', 'p-5']);
    expect(await ids({ stage: 'launch', kind: 'alliance', owner: 'pat.pmo' })).toEqual(['p-4']);
    expect(await ids({ stage: 'rejected', kind: 'alliance' })).toEqual([]);
    expect(await ids({ owner: 'nobody.here' })).toEqual([]);
    // The same as filtering the whole portfolio report, for every stage, kind and owner in it.
    const whole = await readPortfolio(reader);
    for (const [stage, members] of Object.entries(whole.byStage)) expect(await ids({ stage: stage as PortfolioFilter['stage'] })).toEqual([...members].sort());
    for (const [kind, members] of Object.entries(whole.byKind)) expect(await ids({ kind: kind as PortfolioFilter['kind'] })).toEqual([...members].sort());
    for (const [owner, members] of Object.entries(whole.byOwner)) expect(await ids({ owner })).toEqual([...members].sort());
  });
});

import { kpiScorecardProjection, meetsTarget, scorecardOf, type KpiScorecardDoc } from '../../../projections/kpi-scorecard/read-model';
import { replay } from './support/memory-model';
import { story } from './support/story';

const contract = { start: '2025-01-02T00:00:00.000Z', end: '2026-01-02T00:00:00.000Z', noticePeriod: 'P30D', autoRenew: false };
const kpis = [
  { id: 'revenue-generated', name: 'Revenue generated', family: 'financial', target: 1000, unit: 'EUR', direction: 'higher_is_better' },
  { id: 'investment', name: 'Investment', family: 'financial', target: 500, unit: 'EUR', direction: 'lower_is_better' },
  // Written before the direction default was filled in: reads as higher_is_better.
  { id: 'nps', name: 'Net promoter score', family: 'relationship', target: 40 },
];
const reviewed = (kpiValues: Record<string, number>, healthRatings: Record<string, number>, periodStart: string) => ({
  taskId: `review-${periodStart}`,
  cadence: 'monthly',
  periodStart,
  kpiValues,
  healthRatings,
});

const history = () =>
  story('p-1')
    .add('PartnershipRegistered')
    .add('OptimizationStarted', { contract, kpis })
    .add('KpiRecorded', { kpiId: 'revenue-generated', value: 800 }, { at: '2025-02-01T00:00:00.000Z' })
    .add('ReviewCompleted', reviewed({ 'revenue-generated': 1200, nps: 35 }, { trust_index: 3, communication_effectiveness: 4 }, '2025-01-02T00:00:00.000Z'), {
      at: '2025-02-02T00:00:00.000Z',
    })
    .add('KpiRecorded', { kpiId: 'investment', value: 400 }, { at: '2025-02-10T00:00:00.000Z' })
    .add('ReviewCompleted', reviewed({ nps: 45 }, { trust_index: 5 }, '2025-02-02T00:00:00.000Z'), { at: '2025-03-02T00:00:00.000Z' });

describe('kpi-scorecard read model', () => {
  test('given KPIs defined at launch and values recorded on their own and at reviews, then each line has its latest value against its target and its trend', () => {
    const doc = replay(kpiScorecardProjection, history().events).doc<KpiScorecardDoc>('p-1');
    const card = scorecardOf('p-1', doc ?? { kpis: {}, health: {} });

    expect(card.kpis.map((k) => [k.kpiId, k.latest?.value, k.target, k.direction, k.met])).toEqual([
      ['revenue-generated', 1200, 1000, 'higher_is_better', true],
      ['investment', 400, 500, 'lower_is_better', true],
      ['nps', 45, 40, 'higher_is_better', true],
    ]);
    expect(card.kpis[0]?.trend).toEqual([
      { value: 800, at: '2025-02-01T00:00:00.000Z', periodStart: null },
      { value: 1200, at: '2025-02-02T00:00:00.000Z', periodStart: '2025-01-02T00:00:00.000Z' },
    ]);
    expect(card.kpis[2]?.trend.map((p) => p.value)).toEqual([35, 45]);
  });

  test('targets honour direction: lower is better meets at or under the target, higher is better at or over it', () => {
    const lower = { id: 'cost', name: 'Cost', family: 'financial', target: 10, direction: 'lower_is_better' } as const;
    const higher = { ...lower, direction: 'higher_is_better' } as const;
    expect([meetsTarget(lower, 10), meetsTarget(lower, 11), meetsTarget(higher, 10), meetsTarget(higher, 9)]).toEqual([true, false, true, false]);
  });

  test('ROI is (gain − cost) / cost from the latest gain and cost KPIs, and null until both have a value', () => {
    const partial = replay(kpiScorecardProjection, history().events.slice(0, 4)).doc<KpiScorecardDoc>('p-1');
    expect(scorecardOf('p-1', partial ?? { kpis: {}, health: {} }).roi).toBeNull();
    // Why, naming what to record (a KPI named "revenue" is not a gain KPI).
    expect(scorecardOf('p-1', { kpis: {}, health: {} }).roiMissing).toBe(
      'no gain recorded: record revenue-generated or incremental-sales; no cost recorded: record investment or cost',
    );

    const model = replay(kpiScorecardProjection, history().events);
    expect(scorecardOf('p-1', model.doc<KpiScorecardDoc>('p-1') ?? { kpis: {}, health: {} }).roi).toEqual({ gain: 1200, cost: 400, roi: 2 });
    expect(scorecardOf('p-1', model.doc<KpiScorecardDoc>('p-1') ?? { kpis: {}, health: {} }).roiMissing).toBeNull();
    expect(model.zset('by-roi')).toEqual([['p-1', 2]]);
  });

  test('a value recorded for an id not defined at launch is tracked with no target; an undefined cost id still counts for ROI', () => {
    const events = history().add('KpiRecorded', { kpiId: 'cost', value: 200 }).events;
    const card = scorecardOf('p-1', replay(kpiScorecardProjection, events).doc<KpiScorecardDoc>('p-1') ?? { kpis: {}, health: {} });
    expect(card.kpis.find((k) => k.kpiId === 'cost')).toMatchObject({ name: 'cost', target: null, met: null, latest: { value: 200 } });
    expect(card.roi).toEqual({ gain: 1200, cost: 600, roi: 1 });
  });

  test('a value off target is not met', () => {
    const events = history().add('KpiRecorded', { kpiId: 'investment', value: 700 }).events;
    const card = scorecardOf('p-1', replay(kpiScorecardProjection, events).doc<KpiScorecardDoc>('p-1') ?? { kpis: {}, health: {} });
    expect(card.kpis.find((k) => k.kpiId === 'investment')?.met).toBe(false);
  });

  test('relationship health keeps the latest rating of each dimension', () => {
    const doc = replay(kpiScorecardProjection, history().events).doc<KpiScorecardDoc>('p-1');
    expect(doc?.health).toEqual({
      trust_index: { rating: 5, at: '2025-03-02T00:00:00.000Z' },
      communication_effectiveness: { rating: 4, at: '2025-02-02T00:00:00.000Z' },
    });
  });

  test('a partnership is in the portfolio of scorecards from its first KPI or health rating, with an ROI or not; a new registration leaves it', () => {
    const members = (events: ReturnType<typeof history>['events']) => replay(kpiScorecardProjection, events).snapshot().index as Record<string, unknown>;
    expect(members(history().events.slice(0, 1))['with-scorecard']).toBeUndefined();
    expect(members(history().events.slice(0, 2))['with-scorecard']).toEqual(['p-1']);
    expect(members(history().events.slice(0, 2))['by-roi']).toBeUndefined();
    const again = history().add('PartnershipRegistered').events;
    // Emptied, so gone (as in Redis).
    expect(members(again)['with-scorecard']).toBeUndefined();
    expect(members(again)['by-roi']).toBeUndefined();
  });

  test('applying every event twice equals applying it once', () => {
    const events = [...history().events, ...story('p-2').add('PartnershipRegistered').add('KpiRecorded', { kpiId: 'cost', value: 3 }).events];
    expect(
      replay(
        kpiScorecardProjection,
        events.flatMap((e) => [e, e]),
      ).snapshot(),
    ).toEqual(replay(kpiScorecardProjection, events).snapshot());
    expect(replay(kpiScorecardProjection, events, 3).snapshot()).toEqual(replay(kpiScorecardProjection, events).snapshot());
  });
});

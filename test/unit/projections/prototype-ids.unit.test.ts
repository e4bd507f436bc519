import type { CloudEvent } from '../../../domain/cloudevent';
import { inboxProjection } from '../../../projections/inbox/read-model';
import { kpiScorecardProjection, scorecardOf, type KpiScorecardDoc } from '../../../projections/kpi-scorecard/read-model';
import { riskRegisterProjection, type RiskRegisterDoc } from '../../../projections/risk-register/read-model';
import { summaryProjection } from '../../../projections/summary/read-model';
import { workBoardProjection } from '../../../projections/work-board/read-model';
import { lifecycleEvent } from './support/events';
import { replay } from './support/memory-model';
import { fired, risk, story, task } from './support/story';

// Ids named after what every plain object inherits. A fold that looks them up in a plain object finds `Object` (or a
// method, or `Object.prototype`) and, in issue 16, threw on every flush: no read model advanced on that partition again.
const PROTOTYPE_NAMES = ['constructor', 'toString', 'hasOwnProperty', 'valueOf'];
const contract = { start: '2025-01-02T00:00:00.000Z', end: '2026-01-02T00:00:00.000Z', noticePeriod: 'P30D', autoRenew: false };
const kpis = [{ id: 'revenue-generated', name: 'Revenue generated', family: 'financial', target: 1000, direction: 'higher_is_better' }];

/** `{ "__proto__": … }` as JSON carries it: an own key, which an object literal cannot write. */
const ownKeys = (json: string) => JSON.parse(json) as Record<string, number>;

describe('read-model folds, given ids named after Object.prototype properties', () => {
  test.each(PROTOTYPE_NAMES)('kpi-scorecard: a value recorded for KPI %s is its own line, and the fold does not throw', (id) => {
    const events = story('p-1')
      .add('PartnershipRegistered')
      .add('OptimizationStarted', { contract, kpis })
      .add('KpiRecorded', { kpiId: id, value: 5 })
      .add('KpiRecorded', { kpiId: id, value: 6 }).events;
    const doc = replay(kpiScorecardProjection, events).doc<KpiScorecardDoc>('p-1');

    expect(doc === null ? [] : scorecardOf('p-1', doc).kpis.map((k) => [k.kpiId, k.trend.map((p) => p.value)])).toEqual([
      ['revenue-generated', []],
      [id, [5, 6]],
    ]);
  });

  test('kpi-scorecard: review values keyed by __proto__, toString and constructor are their own lines', () => {
    const reviewed = { taskId: 'review-1', cadence: 'monthly', periodStart: contract.start, healthRatings: {} };
    const events = story('p-1')
      .add('PartnershipRegistered')
      .add('OptimizationStarted', { contract, kpis })
      .add('ReviewCompleted', { ...reviewed, kpiValues: ownKeys('{"__proto__": 1, "toString": 2, "constructor": 3, "revenue-generated": 4}') }).events;
    const doc = replay(kpiScorecardProjection, events).doc<KpiScorecardDoc>('p-1');

    expect(Object.getPrototypeOf(doc?.kpis)).toBe(Object.prototype);
    expect(Object.fromEntries(scorecardOf('p-1', doc ?? { kpis: {}, health: {} }).kpis.map((k) => [k.kpiId, k.latest?.value]))).toEqual(
      ownKeys('{"revenue-generated": 4, "__proto__": 1, "constructor": 3, "toString": 2}'),
    );
  });

  test('kpi-scorecard: a KPI id the schema would refuse still folds without throwing', () => {
    const registered = lifecycleEvent({ subject: 'p-1', sequence: 1, type: 'PartnershipRegistered' });
    const poison = lifecycleEvent({ subject: 'p-1', sequence: 2, type: 'KpiRecorded', data: { kpiId: '__proto__', value: 1 }, poison: true });
    const doc = kpiScorecardProjection.fold(kpiScorecardProjection.fold(null, registered), poison);

    expect(doc === null ? [] : scorecardOf('p-1', doc).kpis.map((k) => k.kpiId)).toEqual(['__proto__']);
  });

  test.each(PROTOTYPE_NAMES)('risk-register: an update of unknown risk %s changes nothing', (id) => {
    const events = story('p-1')
      .add('PartnershipRegistered')
      .add('RiskAdded', { risk: risk('r-1', 2, 3) })
      .add('RiskUpdated', { riskId: id, changes: { status: 'closed' } }).events;
    const model = replay(riskRegisterProjection, events);

    expect(Object.keys(model.doc<RiskRegisterDoc>('p-1')?.risks ?? {})).toEqual(['r-1']);
  });

  test.each(PROTOTYPE_NAMES)('risk-register: risk %s is added, updated and ranked like any other', (id) => {
    const events = story('p-1')
      .add('PartnershipRegistered')
      .add('RiskAdded', { risk: risk(id, 2, 3) })
      .add('RiskUpdated', { riskId: id, changes: { likelihood: 5 } }).events;
    const model = replay(riskRegisterProjection, events);

    expect(model.doc<RiskRegisterDoc>('p-1')?.risks[id]).toMatchObject({ riskId: id, severity: 15 });
    expect(model.zset('risks:by-severity')).toEqual([[`p-1/${id}`, 15]]);
  });

  test.each(PROTOTYPE_NAMES)('work-board and inbox: a step fired for task %s, never opened, is ignored', (id) => {
    const events = story('p-1')
      .add('PartnershipRegistered')
      .add('EscalationStepFired', fired(id, 'L1', { role: 'pmo_lead', id: 'pat.pmo' }, '2025-01-08T00:00:00.000Z')).events;

    expect(replay(workBoardProjection, events).zset('escalations:by-fired')).toEqual([]);
    expect(replay(inboxProjection, events).zset('inbox:pat.pmo')).toEqual([]);
  });

  test.each(PROTOTYPE_NAMES)('work-board: task %s leaves the board when it completes', (id) => {
    const opened = story('p-1').add('PartnershipRegistered').add('TaskOpened', task(id, '2025-01-10T00:00:00.000Z'));
    expect(
      replay(workBoardProjection, opened.events)
        .zset('tasks:by-due')
        .map(([m]) => m),
    ).toEqual([`p-1/${id}`]);

    // Event by event, so the completion is synced against a doc that held the task.
    const model = replay(workBoardProjection, opened.add('TaskCompleted', { taskId: id }).events, 1);
    expect(model.zset('tasks:by-due')).toEqual([]);
    expect(model.snapshot().index).not.toHaveProperty('tasks');
  });

  test('summary: poison ids anywhere in a history fold without throwing', () => {
    const events: CloudEvent[] = story('p-1')
      .add('PartnershipRegistered')
      .add('TaskOpened', task('constructor', '2025-01-10T00:00:00.000Z'))
      .add('EscalationStepFired', fired('toString', 'L1', { role: 'pmo_lead', id: 'pat.pmo' }, '2025-01-08T00:00:00.000Z'))
      .add('EscalationAcknowledged', { escalationId: 'constructor', taskId: 'constructor', step: 'L1' })
      .add('TaskCompleted', { taskId: 'hasOwnProperty' }).events;

    expect(() => replay(summaryProjection, events)).not.toThrow();
  });
});

import { summaryProjection, type SummaryDoc } from '../../../projections/summary/read-model';
import { createDecoder, catalogOf } from '../../../projections/runner';
import { READ_MODELS } from '../../../projections/read-models';
import { lifecycleEvent } from './support/events';
import { replay } from './support/memory-model';
import { fired, story, task } from './support/story';

const history = () =>
  story('p-1')
    .add('PartnershipRegistered')
    .add('ScreeningScoreSubmitted', { evaluator: 'erin', scores: { fit: 4 }, averages: { fit: 4 }, composite: 3.8, recommendation: 'advance' })
    .add('TaskOpened', task('gate-1', '2025-01-05T00:00:00.000Z', { kind: 'gate' }))
    .add('GateDecided', { gate: 'screening', taskId: 'gate-1', outcome: 'advance', rationale: 'fit', composite: 3.9, recommendation: 'advance' })
    .add('DueDiligencePhaseStarted', { phase: 'preliminary', endsAt: '2025-01-20T00:00:00.000Z' })
    .add('TaskOpened', task('a', '2025-01-10T00:00:00.000Z'))
    .add('TaskOpened', task('b', '2025-01-08T00:00:00.000Z'))
    .add('EscalationStepFired', fired('b', 'L1', { role: 'pmo_lead', id: 'pat.pmo' }, '2025-01-08T00:00:00.000Z')).events;

describe('summary read model', () => {
  test('given a partnership in due diligence with open work, then the summary shows stage, score, deadline and counts', () => {
    const events = history();
    const doc = replay(summaryProjection, events).doc<SummaryDoc>('p-1');

    expect(doc).toMatchObject({
      stage: 'due_diligence',
      phase: 'preliminary',
      kind: 'alliance',
      owner: 'olga.owner',
      sponsor: 'erin.sponsor',
      compositeScore: 3.9,
      nextDeadline: '2025-01-08T00:00:00.000Z',
      openTasks: 2,
      openEscalations: 1,
      lastEventAt: events.at(-1)?.time,
    });
  });

  test('when the escalated task completes and a review rates health, then counts drop and health is the mean of the latest ratings', () => {
    const s = story('p-1');
    for (const e of history()) s.events.push(e);
    s.add('TaskCompleted', { taskId: 'b' })
      .add('TaskOpened', task('r1', '2025-02-01T00:00:00.000Z', { kind: 'review' }))
      .add('ReviewCompleted', {
        taskId: 'r1',
        cadence: 'monthly',
        periodStart: '2025-01-01T00:00:00.000Z',
        kpiValues: {},
        healthRatings: { trust_index: 4, conflict_resolution: 3 },
      })
      .add('TaskOpened', task('r2', '2025-03-01T00:00:00.000Z', { kind: 'review' }))
      .add('ReviewCompleted', { taskId: 'r2', cadence: 'monthly', periodStart: '2025-02-01T00:00:00.000Z', kpiValues: {}, healthRatings: { trust_index: 5 } });

    expect(replay(summaryProjection, s.events).doc<SummaryDoc>('p-1')).toMatchObject({
      openTasks: 1,
      openEscalations: 0,
      healthScore: 4,
      nextDeadline: '2025-01-10T00:00:00.000Z',
    });
  });

  test('applying every event twice equals applying it once', () => {
    const events = history();
    expect(
      replay(
        summaryProjection,
        events.flatMap((e) => [e, e]),
      ).snapshot(),
    ).toEqual(replay(summaryProjection, events).snapshot());
    expect(replay(summaryProjection, [...events, ...events], 3).snapshot()).toEqual(replay(summaryProjection, events).snapshot());
  });

  test('events are validated against the domain schemas, an old IssueRaised v1 read through its upcaster', () => {
    const decode = createDecoder(catalogOf(READ_MODELS));
    const bytes = (e: unknown) => Buffer.from(JSON.stringify(e));
    for (const e of history()) expect(decode(bytes(e))).toMatchObject({ ok: true });
    const v1 = lifecycleEvent({ subject: 'p-1', sequence: 9, type: 'IssueRaised', version: 1, data: { issueId: 'i', taskId: 't', title: 'Late' } });
    expect(decode(bytes(v1))).toMatchObject({ ok: true });
    const bad = lifecycleEvent({ subject: 'p-1', sequence: 9, type: 'TaskOpened', data: { taskId: 't' }, poison: true });
    expect(decode(bytes(bad))).toMatchObject({ ok: false, reason: 'schema' });
    const wrongSubject = lifecycleEvent({ subject: 'p-1', sequence: 9, type: 'TaskCompleted' });
    expect(decode(bytes({ ...wrongSubject, subject: 'p-2', id: 'p-2/9' }))).toMatchObject({ ok: false, reason: 'schema' });
  });
});

import { addDuration } from '../../../domain/duration';
import { compressedPolicy, resolvePolicy } from '../../../domain/policy';
import { cycleTimesProjection, percentile, phaseSlas, type CycleTimesDoc } from '../../../projections/cycle-times/read-model';
import { replay } from './support/memory-model';
import { story } from './support/story';

const history = story('p-1', '2025-01-01T00:00:00.000Z')
  .add('PartnershipRegistered', undefined, { at: '2025-01-01T00:00:00.000Z' })
  .add('DueDiligencePhaseStarted', { phase: 'preliminary', endsAt: '2025-02-01T00:00:00.000Z' }, { at: '2025-01-01T05:00:00.000Z' })
  .add('DueDiligencePhaseStarted', { phase: 'detailed', endsAt: '2025-02-01T00:00:00.000Z' }, { at: '2025-04-01T05:00:00.000Z' }).events;

describe('cycle-times read model', () => {
  test('given phases started in turn, then each completed phase has its time and whether it met the pinned policy SLA', () => {
    const model = replay(cycleTimesProjection, history);
    const sla = phaseSlas(resolvePolicy(compressedPolicy, { kind: 'alliance', modifiers: [] })).screening;
    const screeningWithin = Date.parse(addDuration('2025-01-01T00:00:00.000Z', sla)) >= Date.parse('2025-01-01T05:00:00.000Z');

    expect(model.doc<CycleTimesDoc>('p-1')).toMatchObject({
      current: { phase: 'dd.detailed', since: '2025-04-01T05:00:00.000Z' },
      completed: { screening: { ms: 5 * 3_600_000, withinSla: screeningWithin }, 'dd.preliminary': { withinSla: false } },
    });
    expect(model.zset('durations:alliance:screening')).toEqual([['p-1', 5 * 3_600_000]]);
  });

  test('percentiles are nearest-rank', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([], 50)).toBeNull();
  });

  test('applying every event twice equals applying it once', () => {
    expect(
      replay(
        cycleTimesProjection,
        history.flatMap((e) => [e, e]),
      ).snapshot(),
    ).toEqual(replay(cycleTimesProjection, history).snapshot());
  });
});

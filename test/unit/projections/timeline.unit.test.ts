import { timelineProjection, type TimelineDoc, type TimelineEntry } from '../../../projections/timeline/read-model';
import { lifecycleEvent, lifecycleHistory, interleaved } from './support/events';
import { replay } from './support/memory-model';

const entries = (model: ReturnType<typeof replay>, subject: string) => model.list(`entries:${subject}`).map((e) => JSON.parse(e) as TimelineEntry);

describe('timeline read model', () => {
  test('given a registration by its owner, then the trail has one entry with actor and time', () => {
    const registered = lifecycleEvent({
      subject: 'p-1',
      sequence: 1,
      type: 'PartnershipRegistered',
      at: '2025-03-01T09:00:00.000Z',
      actor: { id: 'ana', role: 'owner' },
    });

    const model = replay(timelineProjection, [registered]);

    expect(model.doc<TimelineDoc>('p-1')).toEqual({
      partnershipId: 'p-1',
      events: 1,
      firstAt: '2025-03-01T09:00:00.000Z',
      lastAt: '2025-03-01T09:00:00.000Z',
      lastType: 'PartnershipRegistered',
    });
    expect(entries(model, 'p-1')).toEqual([
      { sequence: 1, type: 'PartnershipRegistered', version: 1, at: '2025-03-01T09:00:00.000Z', actor: { id: 'ana', role: 'owner' } },
    ]);
  });

  test('given events of people and of the system, then every event is on the trail in sequence order with its actor', () => {
    const history = [
      lifecycleEvent({ subject: 'p-1', sequence: 1, type: 'PartnershipRegistered', actor: { id: 'ana', role: 'owner' } }),
      lifecycleEvent({ subject: 'p-1', sequence: 2, type: 'EscalationStepFired', actor: { id: 'partnerflow', role: 'system' } }),
      lifecycleEvent({ subject: 'p-1', sequence: 3, type: 'IssueRaised', actor: { id: 'olga.owner', role: 'owner' } }),
    ];

    const model = replay(timelineProjection, history);

    expect(entries(model, 'p-1').map((e) => [e.sequence, e.type, e.version, e.actor])).toEqual([
      [1, 'PartnershipRegistered', 1, { id: 'ana', role: 'owner' }],
      [2, 'EscalationStepFired', 1, { id: 'partnerflow', role: 'system' }],
      [3, 'IssueRaised', 2, { id: 'olga.owner', role: 'owner' }],
    ]);
    expect(model.doc<TimelineDoc>('p-1')).toMatchObject({ events: 3, lastType: 'IssueRaised', lastAt: history[2]?.time });
  });

  test('ranks partnerships by the time of their last event', () => {
    const model = replay(timelineProjection, [
      lifecycleEvent({ subject: 'p-old', sequence: 1, at: '2025-01-01T00:00:00.000Z' }),
      lifecycleEvent({ subject: 'p-new', sequence: 1, at: '2025-02-01T00:00:00.000Z' }),
      lifecycleEvent({ subject: 'p-old', sequence: 2, at: '2025-03-01T00:00:00.000Z' }),
    ]);

    expect(model.zset('recent')).toEqual([
      ['p-new', Date.parse('2025-02-01T00:00:00.000Z')],
      ['p-old', Date.parse('2025-03-01T00:00:00.000Z')],
    ]);
  });

  test('applying every event twice equals applying it once', () => {
    const history = interleaved(['p-1', 'p-2', 'p-3'], 12);
    const twice = history.flatMap((e) => [e, e]);

    expect(replay(timelineProjection, twice).snapshot()).toEqual(replay(timelineProjection, history).snapshot());
    expect(replay(timelineProjection, [...history, ...history], 5).snapshot()).toEqual(replay(timelineProjection, history).snapshot());
  });

  test('the model does not depend on how the log was cut into batches', () => {
    const history = interleaved(['p-1', 'p-2'], 20);
    const whole = replay(timelineProjection, history).snapshot();

    for (const size of [1, 3, 7]) expect(replay(timelineProjection, history, size).snapshot()).toEqual(whole);
  });

  test('a partnership trail of n events has n entries, entry i at index i - 1', () => {
    const model = replay(timelineProjection, lifecycleHistory('p-1', 50));

    expect(entries(model, 'p-1').map((e) => e.sequence)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(model.seq.get('p-1')).toBe(50);
  });
});

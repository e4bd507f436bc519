import { toCloudEvent } from '../../../domain/cloudevent';
import { LIFECYCLE_EVENTS, PROBE_EVENT, lifecycleCloudEventType } from '../../../projections/catalog';
import { READ_MODELS } from '../../../projections/read-models';
import { compileProjection, foldEvents, EMPTY_STATE, type Projection, type SubjectState } from '../../../projections/runner';
import { foldPasses, groupBySubject, type FoldResult } from '../../../projections/runner/fold';
import { timelineProjection } from '../../../projections/timeline/read-model';
import { interleaved, lifecycleEvent, lifecycleHistory } from './support/events';
import { applyIndexOps, MemoryReadModel, replay, snapshotIndex, type MemoryIndex } from './support/memory-model';
import { syntheticEvent } from '../../../bench/sample-events';
import type { CloudEvent } from '../../../domain/cloudevent';

/** Counts TaskOpened events only: every other lifecycle event must still advance its sequence. */
const tasksOpened: Projection<{ opened: number }> = {
  name: 'tasks-opened',
  events: LIFECYCLE_EVENTS.filter((e) => e.type === lifecycleCloudEventType('TaskOpened')),
  fold: (doc) => ({ opened: (doc?.opened ?? 0) + 1 }),
};

const at = (i: number) => ({ stream: 'partnership', position: `t:0@${i}` });

describe('the runner fold (sequence checks, duplicates, gaps)', () => {
  test('an event at or below the last applied sequence is a duplicate and changes nothing', () => {
    const model = new MemoryReadModel(timelineProjection);
    model.feed(lifecycleHistory('p-1', 3));
    const before = model.snapshot();

    const result = model.feed([lifecycleEvent({ subject: 'p-1', sequence: 2 }), lifecycleEvent({ subject: 'p-1', sequence: 3 })]);

    expect(result).toMatchObject({ applied: 0, duplicates: 2, changes: [] });
    expect(model.snapshot()).toEqual(before);
  });

  test('a missing sequence is reported as a gap and later events are held, not applied', () => {
    const model = new MemoryReadModel(timelineProjection);
    model.feed(lifecycleHistory('p-1', 1));

    const result = model.feed([lifecycleEvent({ subject: 'p-1', sequence: 3 }), lifecycleEvent({ subject: 'p-1', sequence: 4 })]);

    expect(result.gapsOpened).toEqual([{ subject: 'p-1', expected: 2, received: 3, position: 'memory:0@0' }]);
    expect(result).toMatchObject({ applied: 0, held: 2 });
    expect(model.seq.get('p-1')).toBe(1);
    expect(model.list('entries:p-1')).toHaveLength(1);
    expect(model.gaps.get('p-1')).toEqual({ expected: 2, heldFrom: 3, held: 2, detectedAt: 'memory:0@0' });
    expect([...(model.held.get('p-1')?.keys() ?? [])]).toEqual([3, 4]);
  });

  test('when the missing event arrives, it and the held events are applied in order and the gap closes', () => {
    const model = new MemoryReadModel(timelineProjection);
    const history = lifecycleHistory('p-1', 5);
    model.feed([history[0], history[2], history[3]].map((e) => e!));

    const result = model.feed([history[1], history[4]].map((e) => e!));

    expect(result.gapsClosed).toEqual(['p-1']);
    expect(result.applied).toBe(4);
    expect(model.gaps.size).toBe(0);
    expect(model.held.size).toBe(0);
    expect(model.snapshot()).toEqual(replayAll(history));
  });

  test('a held event delivered again is a duplicate; the gap record stays as it was', () => {
    const model = new MemoryReadModel(timelineProjection);
    model.feed([lifecycleEvent({ subject: 'p-1', sequence: 1 }), lifecycleEvent({ subject: 'p-1', sequence: 3 })]);
    const gap = model.gaps.get('p-1');

    const result = model.feed([lifecycleEvent({ subject: 'p-1', sequence: 3 })]);

    expect(result).toMatchObject({ duplicates: 1, held: 0, gapsOpened: [], changes: [] });
    expect(model.gaps.get('p-1')).toEqual(gap);
  });

  test('a first event after sequence 1 is a gap waiting for sequence 1', () => {
    const model = new MemoryReadModel(timelineProjection);

    const result = model.feed([lifecycleEvent({ subject: 'p-9', sequence: 2 })]);

    expect(result.gapsOpened).toMatchObject([{ subject: 'p-9', expected: 1, received: 2 }]);
    expect(model.docs.has('p-9')).toBe(false);
  });

  test('events of types a model does not handle advance its sequence without touching the doc', () => {
    const model = new MemoryReadModel(tasksOpened);

    model.feed([
      lifecycleEvent({ subject: 'p-1', sequence: 1, type: 'PartnershipRegistered' }),
      lifecycleEvent({ subject: 'p-1', sequence: 2, type: 'TaskOpened' }),
      lifecycleEvent({ subject: 'p-1', sequence: 3, type: 'GateDecided' }),
      lifecycleEvent({ subject: 'p-1', sequence: 4, type: 'TaskOpened' }),
    ]);

    expect(model.doc('p-1')).toEqual({ opened: 2 });
    expect(model.seq.get('p-1')).toBe(4);
    expect(model.gaps.size).toBe(0);
  });

  test('events of another stream are not the model’s concern', () => {
    const probe = toCloudEvent({ type: PROBE_EVENT.type, subject: 'probe-1', sequence: 1, time: '2025-01-01T00:00:00Z', version: 1, data: { probeId: '1' } });

    const result = foldEvents(compileProjection(timelineProjection), new Map(), [{ event: probe, ...at(0), stream: 'probe' }]);

    expect(result).toMatchObject({ applied: 0, duplicates: 0, changes: [] });
  });

  test('each change is guarded by the sequence and held count it was folded from, and input states are left alone', () => {
    const state: SubjectState = { ...EMPTY_STATE, seq: 2, doc: { partnershipId: 'p-1', events: 2, firstAt: 'x', lastAt: 'y', lastType: 'TaskOpened' } };
    const states = new Map([['p-1', state]]);
    const frozen = JSON.stringify(state.doc);

    const result = foldEvents(compileProjection(timelineProjection), states, [{ event: lifecycleEvent({ subject: 'p-1', sequence: 3 }), ...at(7) }]);

    expect(result.changes).toMatchObject([{ subject: 'p-1', expectSeq: 2, expectHeld: 0, seq: 3 }]);
    expect(JSON.stringify(state.doc)).toBe(frozen);
    expect(states.get('p-1')?.seq).toBe(2);
  });
});

describe('an event a fold throws on', () => {
  const fragile = compileProjection<{ n: number }>({
    name: 'fragile',
    events: LIFECYCLE_EVENTS,
    fold: (doc, event) => {
      if (event.sequence === 2) throw new TypeError('track.values is not iterable');
      return { n: (doc?.n ?? 0) + 1 };
    },
  });

  test('is passed over and reported, and the events after it are applied', () => {
    const events = lifecycleHistory('p-1', 4).map((event, i) => ({ event, ...at(i) }));
    const result = foldEvents(fragile, new Map(), events);
    expect(result.applied).toBe(4);
    expect(result.failures).toEqual([
      expect.objectContaining({ subject: 'p-1', sequence: 2, position: 't:0@1', detail: expect.stringMatching(/"fragile" could not fold .*not iterable/) }),
    ]);
    expect(result.states.get('p-1')).toMatchObject({ seq: 4, doc: { n: 3 } });
  });

  test('is passed over the same way when it is released from behind a gap', () => {
    const [e1, e2, e3] = lifecycleHistory('p-1', 3) as [CloudEvent, CloudEvent, CloudEvent];
    const first = foldEvents(fragile, new Map(), [
      { event: e1, ...at(0) },
      { event: e3, ...at(1) },
    ]);
    const second = foldEvents(fragile, first.states, [{ event: e2, ...at(2) }]);
    expect(second.failures.map((f) => f.sequence)).toEqual([2]);
    expect(second.states.get('p-1')).toMatchObject({ seq: 3, doc: { n: 2 } });
  });
});

describe('folding every read model at once, subject by subject', () => {
  // Interleaved partnerships, then trouble: a redelivered stretch, a gap that stays open, one that closes later.
  const subjects = ['p-1', 'p-2', 'p-3', 'p-4'];
  const log = [
    ...interleaved(subjects, 12),
    ...lifecycleHistory('p-2', 4, 5),
    ...lifecycleHistory('p-1', 3, 15),
    lifecycleEvent({ subject: 'p-3', sequence: 14 }),
    lifecycleEvent({ subject: 'p-3', sequence: 13 }),
    lifecycleEvent({ subject: 'p-1', sequence: 13, type: 'TaskCompleted' }),
  ].map((event, i) => ({ event, ...at(i) }));
  const models = READ_MODELS.map((m) => compileProjection(m));

  test('gives each model what folding it alone, one event at a time, gives', () => {
    const groups = groupBySubject(log);
    const together = foldPasses(models.map((model) => ({ model, states: new Map(), groups })));

    models.forEach((model, m) => {
      const states = new Map<string, SubjectState>();
      const index: MemoryIndex = new Map();
      const counts = { applied: 0, duplicates: 0, held: 0 };
      for (const one of log) {
        const step = foldEvents(model, states, [one]);
        for (const [subject, state] of step.states) states.set(subject, state);
        for (const c of step.changes) applyIndexOps(index, c.ops);
        counts.applied += step.applied;
        counts.duplicates += step.duplicates;
        counts.held += step.held;
      }
      const result = together[m] as FoldResult;
      expect({ model: model.name, ...counts }).toEqual({ model: model.name, applied: result.applied, duplicates: result.duplicates, held: result.held });
      expect(result.states).toEqual(states);
      // The index writes may differ (a model's `sync` runs once per pass, not per event); what they leave may not.
      const folded: MemoryIndex = new Map();
      for (const c of result.changes) applyIndexOps(folded, c.ops);
      expect({ model: model.name, index: snapshotIndex(folded) }).toEqual({ model: model.name, index: snapshotIndex(index) });
    });
    // The log does exercise duplicates, held events and both kinds of gap.
    expect(together[0]).toMatchObject({ duplicates: 4, held: 4 });
    expect((together[0] as FoldResult).gapsOpened.map((g) => g.subject).sort()).toEqual(['p-1', 'p-1', 'p-3']);
    expect((together[0] as FoldResult).gapsClosed).toEqual(['p-3']);
  });

  test('one grouping serves every model given the same events; models given other events fold those', () => {
    const [first, second] = models as [(typeof models)[number], (typeof models)[number]];
    const onlyP2 = log.filter((e) => e.event.subject === 'p-2');
    const [all, some] = foldPasses([
      { model: first, states: new Map(), groups: groupBySubject(log) },
      { model: second, states: new Map(), groups: groupBySubject(onlyP2) },
    ]) as [FoldResult, FoldResult];

    expect([...all.states.keys()].sort()).toEqual(subjects);
    expect([...some.states.keys()]).toEqual(['p-2']);
    expect(some.states.get('p-2')).toEqual(foldEvents(second, new Map(), onlyP2).states.get('p-2'));
  });
});

function replayAll(events: Parameters<MemoryReadModel['feed']>[0]): Record<string, unknown> {
  const model = new MemoryReadModel(timelineProjection);
  model.feed(events);
  return model.snapshot();
}

describe('sync: index writes that follow the doc, once per pass', () => {
  const calls: Array<[unknown, unknown, string]> = [];
  const counter: Projection<{ n: number }> = {
    name: 'counter',
    events: LIFECYCLE_EVENTS,
    fold: (doc) => ({ n: (doc?.n ?? 0) + 1 }),
    sync(before, after, subject) {
      calls.push([before, after, subject]);
      return after === null ? [] : [{ op: 'zadd', key: 'by-n', score: after.n, member: subject }];
    },
  };

  test('is called once per subject and pass, with the doc before the pass and after it, after the events’ own writes', () => {
    calls.length = 0;
    const model = compileProjection(counter);
    const events = [...lifecycleHistory('p-1', 3), ...lifecycleHistory('p-2', 2)].map((event, i) => ({ event, stream: 'partnership', position: `t:0@${i}` }));

    const first = foldEvents(model, new Map(), events);
    expect(calls).toEqual([
      [null, { n: 3 }, 'p-1'],
      [null, { n: 2 }, 'p-2'],
    ]);
    expect(first.changes.map((c) => c.ops)).toEqual([
      [{ op: 'zadd', key: 'by-n', score: 3, member: 'p-1' }],
      [{ op: 'zadd', key: 'by-n', score: 2, member: 'p-2' }],
    ]);

    calls.length = 0;
    const again = foldEvents(model, first.states, [{ event: lifecycleEvent({ subject: 'p-1', sequence: 4 }), stream: 'partnership', position: 't:0@5' }]);
    expect(calls).toEqual([[{ n: 3 }, { n: 4 }, 'p-1']]);
    expect(again.changes[0]?.ops).toEqual([{ op: 'zadd', key: 'by-n', score: 4, member: 'p-1' }]);
  });

  test('is not called for a pass that left the doc as it was (duplicates only)', () => {
    const model = compileProjection(counter);
    const events = lifecycleHistory('p-1', 2).map((event, i) => ({ event, stream: 'partnership', position: `t:0@${i}` }));
    const first = foldEvents(model, new Map(), events);
    calls.length = 0;

    const replayed = foldEvents(model, first.states, events);

    expect(calls).toEqual([]);
    expect(replayed.changes).toEqual([]);
  });

  test('every read model leaves the same keys however the log is cut into passes', () => {
    // Bench partnerships: tasks opened, reassigned, escalated, completed and cancelled, issues raised, scores submitted.
    const log: CloudEvent[] = [];
    for (let sequence = 1; sequence <= 30; sequence += 1) {
      for (let subject = 0; subject < 4; subject += 1) log.push(JSON.parse(syntheticEvent(subject, sequence)) as CloudEvent);
    }
    for (const projection of READ_MODELS) {
      const whole = replay(projection, log).snapshot();
      for (const size of [1, 2, 7, 45])
        expect({ model: projection.name, size, ...replay(projection, log, size).snapshot() }).toEqual({ model: projection.name, size, ...whole });
    }
  });
});

describe('compileProjection', () => {
  test('a version defaults to 1 and must be a whole number from 1', () => {
    expect(compileProjection(timelineProjection).version).toBe(1);
    expect(compileProjection({ ...timelineProjection, version: 3 }).version).toBe(3);
    for (const version of [0, 1.5, -2])
      expect(() => compileProjection({ ...timelineProjection, version })).toThrow(
        `read model "timeline" has version ${version}; a version is a whole number from 1`,
      );
  });
});

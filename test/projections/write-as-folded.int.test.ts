import type { Redis } from 'ioredis';
import type { KafkaMessage } from 'kafkajs';
import type { CloudEvent } from '../../domain/cloudevent';
import { READ_MODELS } from '../../projections/read-models';
import { LIFECYCLE_EVENTS } from '../../projections/catalog';
import { catalogOf, compileProjection, createDecoder, dumpReadModel, ReadModelStore, type IndexOp, type Projection } from '../../projections/runner';
import { BatchProcessor } from '../../projections/runner/batch';
import { FlushFailed, type MessageBatch } from '../../projections/runner/flush';
import { RunnerMetrics } from '../../projections/runner/metrics';
import type { ApplyRequest } from '../../projections/runner/store';
import { TIMELINE } from '../../projections/timeline/read-model';
import { interleaved } from '../unit/projections/support/events';
import { replay } from '../unit/projections/support/memory-model';
import { createRedis } from '../../platform/clients';
import { testConfig } from '../support/stack';
import { dropKeys } from './support/harness';

/*
 * A rebuild's flush writes as it folds (`writeEvery`): a few partnerships at a time, each model's writes in one
 * sequence-guarded call, the partition offsets only once every call has gone through. Real Redis; the batches are
 * handed to the processor directly, as the consumer would.
 */

/** Counts a partnership's events in its doc and ranks partnerships by it; while `broken`, p-bad's score is NaN. */
let broken = false;
const ranked: Projection<{ count: number }> = {
  name: 'ranked',
  events: LIFECYCLE_EVENTS,
  fold: (doc) => ({ count: (doc?.count ?? 0) + 1 }),
  sync: (_before, after, subject): IndexOp[] =>
    after === null ? [] : [{ op: 'zadd', key: 'by-count', score: broken && subject === 'p-bad' ? Number.NaN : after.count, member: subject }],
};

const TOPIC = 'test.write-as-folded';

function message(event: CloudEvent, offset: number, key = event.subject): KafkaMessage {
  return { key: Buffer.from(key), value: Buffer.from(JSON.stringify(event)), offset: String(offset), timestamp: '0', attributes: 0, headers: {} };
}

function batch(events: readonly CloudEvent[], from = 0, keyOf: (i: number, e: CloudEvent) => string = (_i, e) => e.subject): MessageBatch {
  return { topic: TOPIC, partition: 0, highWatermark: String(from + events.length), messages: events.map((e, i) => message(e, from + i, keyOf(from + i, e))) };
}

/** A store that records each apply call: which models it wrote, how many subjects, and whether it carried offsets. */
class RecordingStore extends ReadModelStore {
  readonly calls: Array<{ models: string[]; subjects: number; offsets: boolean }> = [];

  override apply(requests: readonly ApplyRequest[]) {
    this.calls.push({
      models: requests.map((r) => r.model),
      subjects: requests.reduce((n, r) => n + r.changes.length, 0),
      offsets: requests.some((r) => r.offsets.length > 0),
    });
    return super.apply(requests);
  }
}

describe('a flush that writes as it folds (a rebuild’s)', () => {
  let redis: Redis;
  let n = 0;
  const prefixes: string[] = [];

  beforeAll(() => {
    redis = createRedis(testConfig());
  });

  afterAll(async () => {
    for (const p of prefixes) await dropKeys(redis, p);
    redis.disconnect();
  });

  /** Fresh generations of `projections` under a new prefix (what a rebuild begins with), and a processor factory for them. */
  async function generations(projections: readonly Projection[]) {
    const prefix = `pf-test-write-as-folded-${process.pid}-${(n += 1)}`;
    prefixes.push(prefix);
    const models = projections.map(compileProjection);
    const setup = new ReadModelStore(redis, prefix);
    const gens = new Map<string, string>();
    for (const m of models) gens.set(m.name, await setup.beginBuild(m.name, 60_000, m.version));
    const processor = (writeEvery: number | undefined) => {
      const store = new RecordingStore(redis, prefix);
      const metrics = new RunnerMetrics(models.map((m) => m.name));
      const p = new BatchProcessor({
        store,
        models,
        decode: createDecoder(catalogOf(READ_MODELS)),
        target: (model) => ({ kind: 'generation', generation: gens.get(model) as string }),
        metrics,
        log: () => undefined,
        freshTargets: true,
        writeEvery,
      });
      return { p, store, metrics };
    };
    const dump = async (model: string) => (await dumpReadModel(redis, model, { prefix, generation: gens.get(model) })).keys;
    const offsets = (model: string) => setup.offsets(model, gens.get(model) as string);
    return { processor, dump, offsets };
  }

  test('two partnerships per write: every read model is the reference fold, gaps included, and the offsets come last, once', async () => {
    const { processor, dump, offsets } = await generations(READ_MODELS);
    // p-4's ninth event is missing: its tenth to twelfth are held behind the gap.
    const log = interleaved(['p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6', 'p-7'], 12).filter((e) => !(e.subject === 'p-4' && e.sequence === 9));
    const { p, store, metrics } = processor(2);
    p.add(batch(log));
    await p.flush();

    for (const model of READ_MODELS.filter((m) => m.name !== 'probe')) {
      expect({ model: model.name, keys: await dump(model.name) }).toEqual({ model: model.name, keys: replay(model, log).dump() });
      expect(await offsets(model.name)).toEqual({ [`${TOPIC}:0`]: String(log.length) });
    }
    // Seven partnerships two at a time: four writes of changes without offsets, then one of the offsets alone.
    expect(store.calls.map((c) => [c.subjects > 0, c.offsets])).toEqual([...Array.from({ length: 4 }, () => [true, false]), [false, true]]);
    expect(store.calls.slice(0, 4).map((c) => c.subjects / c.models.length)).toEqual([2, 2, 2, 1]);
    expect(metrics.snapshot().models[TIMELINE]).toMatchObject({ applied: log.length - 3, held: 3, gapsDetected: 1, duplicates: 0, conflicts: 0 });
    expect((await dump(TIMELINE)).find((k) => k.key === 'seq')?.value).toContain('["p-4","8~3"]');
  });

  test('a write that fails part-way leaves the offsets where they were; the flush read again converges, nothing doubled', async () => {
    const { processor, dump, offsets } = await generations([ranked]);
    const log = [...interleaved(['p-1', 'p-2', 'p-3', 'p-4'], 5), ...interleaved(['p-bad'], 5)];
    const first = processor(1);
    first.p.add(batch(log));
    broken = true;
    let failure: unknown;
    try {
      await first.p.flush();
    } catch (e) {
      failure = e;
    } finally {
      broken = false;
    }
    expect(failure).toBeInstanceOf(FlushFailed);
    expect((failure as FlushFailed).replayFrom).toEqual([{ topic: TOPIC, partition: 0, offset: '0' }]);
    expect(String((failure as FlushFailed).cause)).toMatch(/zadd on "by-count" has score NaN \(member "p-bad"\)/);
    // The partnerships before p-bad were written, each with its sequence; the offsets were not.
    expect((await dump('ranked')).filter((k) => k.key.startsWith('doc:')).map((k) => k.key)).toEqual(['doc:p-1', 'doc:p-2', 'doc:p-3', 'doc:p-4']);
    expect(await offsets('ranked')).toEqual({});

    // Read again from the offset the failure named: the written partnerships conflict, are read back, and stay as they are.
    first.p.add(batch(log));
    await first.p.flush();
    expect(await dump('ranked')).toEqual(replay(ranked, log).dump());
    expect(await offsets('ranked')).toEqual({ [`${TOPIC}:0`]: String(log.length) });
    // p-1…p-4 were in Redis already (four writes refused, one each): their 20 events are duplicates; p-bad's 5 are new.
    expect(first.metrics.snapshot().models.ranked).toMatchObject({ applied: 5, duplicates: 20, conflicts: 4 });
  });

  test('a processor that wrongly takes a written generation for empty: its writes conflict, and the model is folded again from Redis', async () => {
    const { processor, dump, offsets } = await generations(READ_MODELS);
    const log = interleaved(['p-1', 'p-2', 'p-3', 'p-4', 'p-5'], 10);
    const a = processor(2);
    a.p.add(batch(log.slice(0, 20)));
    await a.p.flush();

    const b = processor(2);
    b.p.add(batch(log));
    await b.p.flush();
    for (const model of READ_MODELS.filter((m) => m.name !== 'probe')) {
      expect({ model: model.name, keys: await dump(model.name) }).toEqual({ model: model.name, keys: replay(model, log).dump() });
      expect(await offsets(model.name)).toEqual({ [`${TOPIC}:0`]: String(log.length) });
    }
    // Three writes (two, two and one partnership) refused; folded again from Redis: A's 20 events are duplicates.
    expect(b.metrics.snapshot().models[TIMELINE]).toMatchObject({ conflicts: 3, applied: 30, duplicates: 20 });
    // The second fold writes changes and offsets together, in one call per model.
    expect(b.store.calls.at(-1)).toMatchObject({ offsets: true });
    expect((b.store.calls.at(-1)?.subjects ?? 0) > 0).toBe(true);
  });

  test('a message whose event names another partnership stops the writing as it folds; the rest is folded in log order', async () => {
    const { processor, dump, offsets } = await generations(READ_MODELS);
    const log = interleaved(['p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6'], 8);
    const { p, store } = processor(1);
    // The 40th message is keyed by the wrong partnership: p-1…p-3 have been written by then, a partnership per call.
    p.add(batch(log, 0, (i, e) => (i === 39 ? 'someone-else' : e.subject)));
    await p.flush();
    for (const model of READ_MODELS.filter((m) => m.name !== 'probe')) {
      expect({ model: model.name, keys: await dump(model.name) }).toEqual({ model: model.name, keys: replay(model, log).dump() });
      expect(await offsets(model.name)).toEqual({ [`${TOPIC}:0`]: String(log.length) });
    }
    expect(store.calls.filter((c) => !c.offsets).length).toBeGreaterThan(0);
    expect(store.calls.at(-1)).toMatchObject({ offsets: true });
  });

  test('writeEvery must be a whole number of partnerships from 1', () => {
    const models = READ_MODELS.map(compileProjection);
    for (const writeEvery of [0, -1, 2.5, Number.NaN]) {
      expect(
        () =>
          new BatchProcessor({
            store: new ReadModelStore(redis, 'unused'),
            models,
            decode: createDecoder(catalogOf(READ_MODELS)),
            target: () => ({ kind: 'current' }),
            metrics: new RunnerMetrics(models.map((m) => m.name)),
            log: () => undefined,
            writeEvery,
          }),
      ).toThrow(/writeEvery is .*: it takes a whole number of partnerships from 1/);
    }
  });
});

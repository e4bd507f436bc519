import type { Redis } from 'ioredis';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { toCloudEvent, type CloudEvent } from '../../domain/cloudevent';
import { READ_MODELS } from '../../projections/read-models';
import {
  DLQ_HEADERS,
  ReadModelReader,
  ReadModelStore,
  digestReadModel,
  dumpReadModel,
  startProjector,
  type IndexOp,
  type Projection,
  type Projector,
  type ProjectorOptions,
} from '../../projections/runner';
import { LIFECYCLE_EVENTS } from '../../projections/catalog';
import { readTimeline, recentPartnerships, TIMELINE, timelineProjection } from '../../projections/timeline/read-model';
import { eventually } from '../support/stack';
import { interleaved, lifecycleEvent, lifecycleHistory } from '../unit/projections/support/events';
import { replay } from '../unit/projections/support/memory-model';
import { createRedis } from '../../platform/clients';
import { testConfig } from '../support/stack';
import {
  connectClients,
  disconnectClients,
  createTopics,
  dropKeys,
  header,
  publishEvents,
  readTopic,
  removeSandbox,
  sandbox,
  type Sandbox,
} from './support/harness';

/** A read model that uses every index op, and deletes its doc when a partnership exits then restarts counting. */
const everyOp: Projection<{ count: number }> = {
  name: 'every-op',
  events: LIFECYCLE_EVENTS,
  fold: (doc, event) => ((event.data as { type: string }).type === 'PartnershipExited' ? null : { count: (doc?.count ?? 0) + 1 }),
  index(before, after, event): IndexOp[] {
    const type = (event.data as { type: string }).type;
    const s = event.subject;
    return [
      { op: 'sadd', key: 'members', member: s },
      { op: 'srem', key: 'members', member: `${s}-gone` },
      { op: 'zadd', key: 'by-count', score: after?.count ?? 0, member: s },
      { op: 'zrem', key: 'by-count', member: 'nobody' },
      { op: 'hset', key: 'last-type', field: s, value: type },
      { op: 'hdel', key: 'last-type', field: `${s}-old` },
      { op: 'hincrby', key: 'types', field: type, by: before === null ? 2 : 1 },
      { op: 'rpush', key: `trail:${s}`, value: type },
      { op: 'del', key: `tmp:${s}` },
      { op: 'rpush', key: `tmp:${s}`, value: String(event.sequence) },
    ];
  },
};

describe('the projection runner against real Kafka and Redis', () => {
  let kafka: Kafka;
  let redis: Redis;
  let admin: Admin;
  let producer: Producer;
  const running: Projector[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    ({ kafka, redis, admin, producer } = await connectClients());
  });

  afterEach(async () => {
    for (const p of running.splice(0)) await p.stop();
  });

  afterAll(async () => {
    for (const c of cleanups) await c();
    await disconnectClients({ producer, admin, redis });
  });

  async function setUp(name: string, partitions: number): Promise<Sandbox> {
    const box = sandbox(name);
    await createTopics(admin, box, partitions);
    cleanups.push(() => removeSandbox(admin, redis, box, [box.group('a'), box.group('b')]));
    return box;
  }

  async function start(box: Sandbox, extra: Partial<ProjectorOptions> = {}): Promise<Projector> {
    const projector = await startProjector({
      kafka,
      redis,
      projections: READ_MODELS,
      topic: box.topic,
      deadLetterTopic: box.deadLetterTopic,
      groupId: box.group('a'),
      keyPrefix: box.prefix,
      log: () => undefined,
      ...extra,
    });
    running.push(projector);
    return projector;
  }

  const appliedBy = (p: Projector, n: number, what: string) =>
    eventually(async () => ((p.metrics().models[TIMELINE]?.applied ?? 0) >= n ? true : undefined), 60_000, what);

  test('folds each partnership’s events into its timeline, served from the current generation', async () => {
    const box = await setUp('fold', 3);
    const events = interleaved(['p-a', 'p-b', 'p-c'], 20);
    await publishEvents(producer, box.topic, events);

    const projector = await start(box);
    await appliedBy(projector, 60, 'all 60 events applied');

    const reader = new ReadModelReader(redis, box.prefix);
    const trail = await readTimeline(reader, 'p-b');
    const lastOfB = events.filter((e) => e.subject === 'p-b')[19];
    expect(trail).toMatchObject({ partnershipId: 'p-b', events: 20, lastAt: lastOfB?.time, lastType: (lastOfB?.data as { type: string }).type });
    expect(trail?.entries.map((e) => e.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(trail?.entries[0]).toMatchObject({ type: 'PartnershipRegistered', actor: { id: 'person-1', role: 'owner' } });
    expect((await readTimeline(reader, 'p-b', { fromSequence: 19, limit: 5 }))?.entries.map((e) => e.sequence)).toEqual([19, 20]);
    expect((await recentPartnerships(reader)).map((r) => r.partnershipId).sort()).toEqual(['p-a', 'p-b', 'p-c']);
    expect(await readTimeline(reader, 'p-nobody')).toBeNull();
    expect(projector.metrics()).toMatchObject({ consumed: 60, deadLetteredTotal: 0, totalLag: 0 });
  });

  test('what the scripts write to Redis is exactly the reference fold, gaps and held events included', async () => {
    const box = await setUp('reference', 2);
    const events = interleaved(['p-1', 'p-2', 'p-3', 'p-4', 'p-5'], 18).filter((e) => !(e.subject === 'p-4' && e.sequence === 9));
    await publishEvents(producer, box.topic, events);

    const projector = await start(box, { maxBytesPerPartition: 4096 });
    await eventually(async () => (projector.metrics().consumed === events.length ? true : undefined), 30_000, 'every event consumed');

    const { keys } = await dumpReadModel(redis, TIMELINE, { prefix: box.prefix });
    expect(keys).toEqual(replay(timelineProjection, events).dump());
    expect(keys.find((k) => k.key === 'seq')?.value).toContain('["p-4","8~9"]');
  });

  test('events with no key, or keyed by another partnership, are folded exactly as the reference folds them', async () => {
    // A flush decodes a partnership's events by message key; a message without one, or whose event names another
    // subject, makes the flush decode in log order and group by subject instead. One partition keeps the log order;
    // each part is consumed before the next is sent, so each is a flush of its own.
    const box = await setUp('keys', 1);
    const rounds = (from: number, n: number) => {
      const histories = ['p-1', 'p-2', 'p-3'].map((s) => lifecycleHistory(s, n, from));
      return Array.from({ length: n }, (_, i) => histories.map((h) => h[i] as CloudEvent)).flat();
    };
    const misKeyed = rounds(1, 12);
    const unkeyed = rounds(13, 4);
    const keyed = [...lifecycleHistory('p-1', 3, 17), ...lifecycleHistory('p-4', 4)];
    const projector = await start(box);
    const send = async (events: CloudEvent[], keyOf: (i: number, subject: string) => string | null, total: number) => {
      await producer.send({ topic: box.topic, acks: -1, messages: events.map((e, i) => ({ key: keyOf(i, e.subject), value: JSON.stringify(e) })) });
      await eventually(async () => (projector.metrics().consumed === total ? true : undefined), 30_000, `${total} events consumed`);
    };
    await send(misKeyed, (i, subject) => (i % 7 === 3 ? 'someone-else' : subject), misKeyed.length);
    await send(unkeyed, (i, subject) => (i % 5 === 2 ? null : subject), misKeyed.length + unkeyed.length);
    await send(keyed, (_i, subject) => subject, misKeyed.length + unkeyed.length + keyed.length);

    const all = [...misKeyed, ...unkeyed, ...keyed];
    for (const model of READ_MODELS.filter((m) => m.name !== 'probe')) {
      const { keys } = await dumpReadModel(redis, model.name, { prefix: box.prefix });
      expect({ model: model.name, keys }).toEqual({ model: model.name, keys: replay(model, all).dump() });
    }
    expect(projector.metrics().models[TIMELINE]).toMatchObject({ applied: all.length, duplicates: 0, gapsDetected: 0 });
  });

  test('every kind of index op, and a fold that deletes its doc, reach Redis exactly as the reference applies them', async () => {
    const box = await setUp('ops', 2);
    const events = interleaved(['p-1', 'p-2', 'p-3'], 14).map((e) =>
      e.sequence === 12 ? lifecycleEvent({ subject: e.subject, sequence: 12, type: 'PartnershipExited' }) : e,
    );
    await publishEvents(producer, box.topic, events);

    const projector = await start(box, { projections: [...READ_MODELS, everyOp], maxBytesPerPartition: 2048 });
    await eventually(async () => (projector.metrics().consumed === events.length ? true : undefined), 30_000, 'every event consumed');

    const { keys } = await dumpReadModel(redis, everyOp.name, { prefix: box.prefix });
    expect(keys).toEqual(replay(everyOp, events).dump());
    expect(keys.map((k) => k.key)).toEqual(
      expect.arrayContaining(['doc:p-1', 'ix:members', 'ix:by-count', 'ix:last-type', 'ix:types', 'ix:trail:p-1', 'ix:tmp:p-1']),
    );
  });

  test('duplicated and re-delivered events leave the read models unchanged', async () => {
    const box = await setUp('dup', 2);
    const events = interleaved(['p-1', 'p-2', 'p-3', 'p-4'], 15);
    await publishEvents(producer, box.topic, events);
    const first = await start(box);
    await appliedBy(first, 60, 'the first pass');
    const before = await digestReadModel(redis, TIMELINE, { prefix: box.prefix });

    // Duplicates: every event published again, as a retried publish activity would.
    await publishEvents(producer, box.topic, events);
    await eventually(async () => (first.metrics().models[TIMELINE]?.duplicates === 60 ? true : undefined), 30_000, '60 duplicates seen');
    expect(await digestReadModel(redis, TIMELINE, { prefix: box.prefix })).toEqual(before);

    // Re-delivery: a second consumer group reads the whole log again into the same read models.
    const second = await start(box, { groupId: box.group('b') });
    await eventually(async () => (second.metrics().consumed === 120 ? true : undefined), 30_000, 'the log re-delivered');
    expect(second.metrics().models[TIMELINE]).toMatchObject({ applied: 0, duplicates: 120 });
    expect(await digestReadModel(redis, TIMELINE, { prefix: box.prefix })).toEqual(before);
    expect(before.keys).toBeGreaterThan(8);
  });

  test('each kind of poison lands in the dead-letter topic with its reason and original bytes; later events are still applied', async () => {
    const box = await setUp('poison', 1);
    const valid = lifecycleEvent({ subject: 'p-ok', sequence: 1, type: 'PartnershipRegistered' });
    const poison: Array<[string, Buffer]> = [
      ['not-json', Buffer.from('{"specversion": "1.0", oops')],
      ['not-cloudevent', Buffer.from(JSON.stringify({ hello: 'world' }))],
      ['unknown-type', Buffer.from(JSON.stringify({ ...lifecycleEvent({ subject: 'p-u', sequence: 1 }), type: 'partnerflow.partnership.moon-landed' }))],
      ['version-too-new', Buffer.from(JSON.stringify(lifecycleEvent({ subject: 'p-v', sequence: 1, type: 'TaskOpened', version: 9, poison: true })))],
      ['schema', Buffer.from(JSON.stringify({ ...valid, subject: 'p-s', id: 'p-s/1', data: { type: 'PartnershipRegistered', version: 1 } }))],
    ];
    await producer.send({
      topic: box.topic,
      acks: -1,
      messages: [
        ...poison.map(([reason, value]) => ({ key: `poison-${reason}`, value, headers: { origin: 'test' } })),
        { key: valid.subject, value: JSON.stringify(valid) },
      ],
    });

    const projector = await start(box);
    await appliedBy(projector, 1, 'the valid event after the poison');

    const dead = await readTopic(kafka, box.deadLetterTopic, poison.length);
    expect(dead.map((m) => header(m.headers, DLQ_HEADERS.reason))).toEqual(poison.map(([reason]) => reason));
    dead.forEach((m, i) => {
      expect(m.value).toEqual(poison[i]?.[1]);
      expect(m.key?.toString()).toBe(`poison-${poison[i]?.[0]}`);
      expect(header(m.headers, 'origin')).toBe('test');
      expect(header(m.headers, DLQ_HEADERS.sourceTopic)).toBe(box.topic);
      expect(header(m.headers, DLQ_HEADERS.sourceOffset)).toBe(String(i));
      expect(header(m.headers, DLQ_HEADERS.detail)?.length).toBeGreaterThan(5);
    });
    expect(await readTimeline(new ReadModelReader(redis, box.prefix), 'p-ok')).toMatchObject({ events: 1 });
    expect(projector.metrics().deadLettered).toEqual({
      'not-json': 1,
      'not-cloudevent': 1,
      'unknown-type': 1,
      'version-too-new': 1,
      schema: 1,
      'fold-failed': 0,
    });
  });

  test('an event a fold throws on is dead-lettered as fold-failed and passed over; the partition keeps moving', async () => {
    const box = await setUp('fold-throws', 1);
    // Poison that passes every schema: this read model cannot fold p-bad's second event.
    const fragile: Projection<{ n: number }> = {
      name: 'fragile',
      events: LIFECYCLE_EVENTS,
      fold: (doc, event) => {
        if (event.subject === 'p-bad' && event.sequence === 2) throw new TypeError('track.values is not iterable');
        return { n: (doc?.n ?? 0) + 1 };
      },
    };
    const events = [...lifecycleHistory('p-bad', 4), ...lifecycleHistory('p-ok', 3)];
    await publishEvents(producer, box.topic, events);
    const projector = await start(box, { projections: [...READ_MODELS, fragile] });
    await appliedBy(projector, events.length, 'every event, past the one that cannot be folded');

    const dead = await readTopic(kafka, box.deadLetterTopic, 1);
    expect(dead).toHaveLength(1);
    expect(header(dead[0]?.headers, DLQ_HEADERS.reason)).toBe('fold-failed');
    expect(header(dead[0]?.headers, DLQ_HEADERS.detail)).toMatch(/read model "fragile" could not fold .*track\.values is not iterable/);
    expect(dead[0]?.value?.toString()).toBe(JSON.stringify(events[1]));
    expect(projector.metrics().deadLettered['fold-failed']).toBe(1);
    const reader = new ReadModelReader(redis, box.prefix);
    expect(await reader.appliedSequence('fragile', 'p-bad')).toBe(4);
    expect(await reader.appliedSequence('fragile', 'p-ok')).toBe(3);
    expect(await readTimeline(reader, 'p-bad')).toMatchObject({ events: 4 });
  });

  test('a dead-lettered event leaves a gap in its partnership: the next event is held and the gap reported', async () => {
    const box = await setUp('poison-gap', 1);
    const history = lifecycleHistory('p-v', 3);
    const tooNew = lifecycleEvent({ subject: 'p-v', sequence: 2, type: 'TaskOpened', version: 7, poison: true });
    await publishEvents(
      producer,
      box.topic,
      [history[0], tooNew, history[2]].map((e) => e!),
    );

    const projector = await start(box);
    const store = new ReadModelStore(redis, box.prefix);
    const gap = await eventually(async () => (await store.gaps(TIMELINE)).get('p-v'), 30_000, 'the gap behind the dead-lettered event');

    expect(gap).toMatchObject({ expected: 2, heldFrom: 3, held: 1 });
    expect(projector.metrics()).toMatchObject({ deadLettered: { 'version-too-new': 1 }, models: { timeline: { applied: 1, held: 1, gapsDetected: 1 } } });
    expect((await readTimeline(new ReadModelReader(redis, box.prefix), 'p-v'))?.events).toBe(1);
  });

  test('a gap is reported (metric, log, Redis record) and later events wait until the missing one arrives', async () => {
    const box = await setUp('gap', 1);
    const history = lifecycleHistory('p-gap', 5);
    const lines: string[] = [];
    await publishEvents(
      producer,
      box.topic,
      [history[0], history[2], history[3]].map((e) => e!),
    );
    const projector = await start(box, { log: (l) => lines.push(l) });
    const store = new ReadModelStore(redis, box.prefix);
    const reader = new ReadModelReader(redis, box.prefix);

    const gap = await eventually(async () => (await store.gaps(TIMELINE)).get('p-gap'), 30_000, 'a gap record');
    expect(gap).toMatchObject({ expected: 2, heldFrom: 3, held: 2 });
    expect(projector.metrics().models[TIMELINE]).toMatchObject({ gapsDetected: 1, held: 2, applied: 1 });
    expect(lines.some((l) => l.includes('gap in read model "timeline": p-gap expected sequence 2 but got 3'))).toBe(true);
    expect((await readTimeline(reader, 'p-gap'))?.entries).toHaveLength(1);

    await publishEvents(
      producer,
      box.topic,
      [history[1], history[4]].map((e) => e!),
    );
    await eventually(async () => ((await readTimeline(reader, 'p-gap'))?.events === 5 ? true : undefined), 30_000, 'the gap filled');
    expect((await readTimeline(reader, 'p-gap'))?.entries.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect((await store.gaps(TIMELINE)).size).toBe(0);
    expect(projector.metrics().models[TIMELINE]).toMatchObject({ gapsClosed: 1 });
  });

  test('graceful shutdown finishes the batch in hand and commits its offset', async () => {
    const box = await setUp('shutdown', 1);
    await publishEvents(producer, box.topic, lifecycleHistory('p-s', 30));
    let inHand!: () => void;
    const batchInHand = new Promise<void>((resolve) => (inHand = resolve));
    const projector = await start(box, {
      afterApply: async () => {
        inHand();
        await new Promise((r) => setTimeout(r, 1000));
      },
    });
    await batchInHand;

    await projector.stop();

    const committed = await admin.fetchOffsets({ groupId: box.group('a'), topics: [box.topic] });
    expect(committed[0]?.partitions[0]?.offset).toBe('30');
    expect((await readTimeline(new ReadModelReader(redis, box.prefix), 'p-s'))?.events).toBe(30);
  });

  /** Publishes in sends of 12 events: the broker hands out whole record batches, so each send is at most one batch. */
  async function publishInSends(box: Sandbox, events: Parameters<typeof publishEvents>[2]): Promise<void> {
    for (let i = 0; i < events.length; i += 12) await publishEvents(producer, box.topic, events.slice(i, i + 12));
  }

  test('a projector that is behind writes many batches per flush, with the same result as one flush per batch', async () => {
    const box = await setUp('coalesce', 2);
    await publishInSends(box, interleaved(['p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6'], 50));
    // Small fetches: about a dozen events per batch, so catching up takes many batches.
    const behind = await start(box, { maxBytesPerPartition: 8192 });
    await appliedBy(behind, 300, 'catching up');
    const { batches, flushes } = behind.metrics();
    expect(batches).toBeGreaterThan(12);
    expect(flushes * 3).toBeLessThan(batches);

    cleanups.push(() => dropKeys(redis, `${box.prefix}-each`));
    const oneByOne = await start({ ...box, prefix: `${box.prefix}-each` }, { groupId: box.group('b'), maxBytesPerPartition: 8192, flushEvents: 1 });
    await appliedBy(oneByOne, 300, 'one flush per batch');
    expect(oneByOne.metrics().flushes).toBeGreaterThan(flushes * 2);
    for (const model of READ_MODELS) {
      const [coalesced, each] = await Promise.all([
        digestReadModel(redis, model.name, { prefix: box.prefix }),
        digestReadModel(redis, model.name, { prefix: `${box.prefix}-each` }),
      ]);
      expect({ model: model.name, sha256: coalesced.sha256, keys: coalesced.keys }).toEqual({ model: model.name, sha256: each.sha256, keys: each.keys });
    }
  });

  test('losing Redis mid-run loses and doubles nothing: the failed flush is read again from Kafka', async () => {
    const box = await setUp('redis-lost', 2);
    const partnerships = ['p-1', 'p-2', 'p-3', 'p-4', 'p-5', 'p-6', 'p-7', 'p-8'];
    await publishInSends(box, interleaved(partnerships, 40));
    // The projector's own connection, cut by hand after its second flush and restored half a second later.
    const own = createRedis(testConfig());
    cleanups.push(async () => own.disconnect());
    const lines: string[] = [];
    let flushes = 0;
    const projector = await start(box, {
      redis: own,
      maxBytesPerPartition: 8192,
      flushEvents: 40,
      log: (line) => lines.push(line),
      afterApply: async () => {
        flushes += 1;
        if (flushes !== 2) return;
        own.disconnect();
        setTimeout(() => void own.connect(), 500);
      },
    });
    const reader = new ReadModelReader(redis, box.prefix);
    await eventually(
      async () => ((await Promise.all(partnerships.map((p) => readTimeline(reader, p)))).every((t) => t?.events === 40) ? true : undefined),
      60_000,
      'every partnership complete',
    );
    expect(lines.some((l) => /writing to the read models failed .*re-reading/.test(l))).toBe(true);
    for (const p of partnerships) expect((await readTimeline(reader, p))?.entries.map((e) => e.sequence)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    await projector.stop();

    // The same log folded by a projector nothing happened to.
    cleanups.push(() => dropKeys(redis, `${box.prefix}-clean`));
    const clean = await start({ ...box, prefix: `${box.prefix}-clean` }, { groupId: box.group('b') });
    await appliedBy(clean, 320, 'the clean run');
    for (const model of READ_MODELS) {
      const [after, reference] = await Promise.all([
        digestReadModel(redis, model.name, { prefix: box.prefix }),
        digestReadModel(redis, model.name, { prefix: `${box.prefix}-clean` }),
      ]);
      expect({ model: model.name, sha256: after.sha256, keys: after.keys }).toEqual({ model: model.name, sha256: reference.sha256, keys: reference.keys });
    }
    const committed = await admin.fetchOffsets({ groupId: box.group('a'), topics: [box.topic] });
    const end = await admin.fetchTopicOffsets(box.topic);
    expect(committed[0]?.partitions.map((p) => p.offset).sort()).toEqual(end.map((p) => p.high).sort());
  });

  test('the probe event becomes visible in its own read model', async () => {
    const box = await setUp('probe', 1);
    const probe = toCloudEvent({
      type: 'partnerflow.stack.probed',
      subject: 'probe-x1',
      sequence: 1,
      time: new Date().toISOString(),
      version: 1,
      data: { probeId: 'x1' },
    });
    await publishEvents(producer, box.topic, [probe]);
    await start(box);

    const { readProbeEvent } = await import('../../projections/probe/read-model');
    const seen = await eventually(async () => (await readProbeEvent(new ReadModelReader(redis, box.prefix), probe.id)) ?? undefined, 30_000, 'the probe');
    expect(seen).toEqual(probe);
  });
});

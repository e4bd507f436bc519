import { READ_MODEL_REGISTRY } from '../../projections/read-models';
import type { Redis } from 'ioredis';
import type { Admin, Kafka, Producer } from 'kafkajs';
import type { CloudEvent } from '../../domain/cloudevent';
import { PROJECTOR_GROUP } from '../../domain/names';
import { READ_MODELS } from '../../projections/read-models';
import { digestReadModel, rebuild, ReadModelReader, ReadModelStore, startProjector, type Projector } from '../../projections/runner';
import { readTimeline, recentPartnerships, TIMELINE, timelineProjection } from '../../projections/timeline/read-model';
import { lifecycleHistory } from '../unit/projections/support/events';
import {
  connectClients,
  disconnectClients,
  createTopics,
  dropKeys,
  publishEvents,
  removeSandbox,
  sandbox,
  spawnTs,
  type Sandbox,
  untilCaughtUp,
} from './support/harness';

describe('rebuilding read models from the log', () => {
  let kafka: Kafka;
  let redis: Redis;
  let admin: Admin;
  let producer: Producer;
  const cleanups: Array<() => Promise<void>> = [];
  const projectors: Projector[] = [];

  beforeAll(async () => {
    ({ kafka, redis, admin, producer } = await connectClients());
  });

  afterEach(async () => {
    for (const p of projectors.splice(0)) await p.stop();
  });

  afterAll(async () => {
    for (const c of cleanups) await c();
    await disconnectClients({ producer, admin, redis });
  });

  async function setUp(name: string, partitions: number): Promise<Sandbox> {
    const box = sandbox(name);
    await createTopics(admin, box, partitions);
    cleanups.push(() => removeSandbox(admin, redis, box, [box.group('live')]));
    cleanups.push(() => dropKeys(redis, `${box.prefix}-clean`));
    return box;
  }

  async function live(box: Sandbox): Promise<Projector> {
    const p = await startProjector({
      kafka,
      redis,
      projections: READ_MODELS,
      topic: box.topic,
      deadLetterTopic: box.deadLetterTopic,
      groupId: box.group('live'),
      keyPrefix: box.prefix,
      log: () => undefined,
    });
    projectors.push(p);
    return p;
  }

  const caughtUp = (box: Sandbox) => untilCaughtUp(redis, admin, box.topic, box.prefix);

  test('a rebuilt read model is byte-for-byte what live folding produced', async () => {
    const box = await setUp('digest', 3);
    await publishEvents(producer, box.topic, Array.from({ length: 12 }, (_, i) => lifecycleHistory(`p-${i}`, 25)).flat());
    await live(box);
    await caughtUp(box);
    const clean = `${box.prefix}-clean`;

    const single = `${box.prefix}-single`;
    cleanups.push(() => dropKeys(redis, single));

    // Three replaying threads (one partition each), and one thread replaying all three partitions, writing each
    // partnership as soon as it is folded.
    const lines: string[] = [];
    const result = await rebuild({
      registry: READ_MODEL_REGISTRY,
      kafka,
      redis,
      projections: READ_MODELS,
      topic: box.topic,
      keyPrefix: clean,
      workers: 3,
      log: (l) => lines.push(l),
    });
    const alone = await rebuild({
      registry: READ_MODEL_REGISTRY,
      kafka,
      redis,
      projections: READ_MODELS,
      topic: box.topic,
      keyPrefix: single,
      workers: 1,
      writeEvery: 1,
      log: (l) => lines.push(l),
    });

    expect(lines).toContain('replaying with 3 threads');
    expect(lines).toContain('replaying with 1 thread');
    for (const r of [result, alone]) {
      expect(r).toMatchObject({ events: 300, poison: 0 });
      expect(r.models.map((m) => [m.name, m.previous])).toEqual(READ_MODELS.map((m) => [m.name, null]));
    }
    // Every read model, not just the timeline: live folding and a rebuild from the log must agree to the byte.
    for (const model of READ_MODELS) {
      const liveDigest = await digestReadModel(redis, model.name, { prefix: box.prefix });
      for (const prefix of [clean, single]) {
        const rebuiltDigest = await digestReadModel(redis, model.name, { prefix });
        expect([model.name, prefix, rebuiltDigest.sha256, rebuiltDigest.keys]).toEqual([model.name, prefix, liveDigest.sha256, liveDigest.keys]);
      }
    }
    expect((await digestReadModel(redis, TIMELINE, { prefix: clean })).keys).toBeGreaterThan(0);
    // The threads' consumer groups are gone with them.
    const { groups } = await admin.listGroups();
    expect(groups.map((g) => g.groupId).filter((g) => g.startsWith(`${PROJECTOR_GROUP}.rebuild.`))).toEqual([]);
  });

  test('a rebuild during live traffic switches over without a reader seeing an empty or half-built model', async () => {
    const box = await setUp('switch', 3);
    const subjects = Array.from({ length: 16 }, (_, i) => `p-${String(i).padStart(2, '0')}`);
    const total = 600;
    const histories = new Map(subjects.map((s) => [s, lifecycleHistory(s, total)]));
    const slice = (from: number, to: number): CloudEvent[] => subjects.flatMap((s) => (histories.get(s) as CloudEvent[]).slice(from, to));
    await publishEvents(producer, box.topic, slice(0, 80));
    await live(box);
    await caughtUp(box);
    const store = new ReadModelStore(redis, box.prefix);
    const before = (await store.current(TIMELINE)) as string;

    // Live traffic: the lifecycle keeps publishing while the rebuild runs.
    let publishing = true;
    let published = 80;
    const traffic = (async () => {
      for (; published < total && publishing; published += 1) {
        await publishEvents(producer, box.topic, slice(published, published + 1));
        await new Promise((r) => setTimeout(r, 40));
      }
    })();

    // Readers: a trail never shrinks, never has a hole, and the set of partnerships never shrinks.
    const reader = new ReadModelReader(redis, box.prefix);
    const seen = new Map<string, number>();
    const generations = new Set<string>();
    const violations: string[] = [];
    let reads = 0;
    let reading = true;
    const readers = Array.from({ length: 3 }, async (_, r) => {
      let listed = 0;
      while (reading) {
        const subject = subjects[(reads + r) % subjects.length] as string;
        const { generation } = await reader.read(TIMELINE, []);
        if (generation !== null) generations.add(generation);
        const trail = await readTimeline(reader, subject);
        const recent = await recentPartnerships(reader, 100);
        reads += 1;
        const prior = seen.get(subject) ?? 0;
        if (trail === null) violations.push(`${subject}: no trail`);
        else {
          if (trail.events < prior) violations.push(`${subject}: ${trail.events} events after ${prior}`);
          if (trail.entries.length !== trail.events || trail.entries.some((e, i) => e.sequence !== i + 1)) violations.push(`${subject}: a trail with holes`);
          seen.set(subject, Math.max(prior, trail.events));
        }
        if (recent.length < listed) violations.push(`${recent.length} partnerships after ${listed}`);
        listed = Math.max(listed, recent.length);
      }
    });

    // Small fetches keep the replay going for a while, so the switch is reached with traffic in flight.
    const result = await rebuild({
      registry: READ_MODEL_REGISTRY,
      kafka,
      redis,
      projections: [timelineProjection],
      known: READ_MODELS,
      topic: box.topic,
      keyPrefix: box.prefix,
      maxBytesPerPartition: 4096,
      log: () => undefined,
    });
    const after = result.models[0]?.generation as string;
    const publishedAtSwitch = published;
    await new Promise((r) => setTimeout(r, 300));
    publishing = false;
    await traffic;
    await caughtUp(box);
    reading = false;
    await Promise.all(readers);

    expect(violations).toEqual([]);
    expect(reads).toBeGreaterThan(20);
    expect(publishedAtSwitch).toBeGreaterThan(80);
    expect(publishedAtSwitch).toBeLessThan(total);
    expect(result.models[0]).toMatchObject({ name: TIMELINE, previous: before });
    expect(after).not.toBe(before);
    expect(await store.current(TIMELINE)).toBe(after);
    expect(generations).toEqual(new Set([before, after]));
    expect(result.models[0]?.droppedKeys).toBeGreaterThan(0);
    expect(await redis.keys(`${box.prefix}:rm:${TIMELINE}:${before}:*`)).toEqual([]);
    expect(await store.generations(TIMELINE)).toEqual([after]);

    // After the switch the live runner keeps the new generation up to date: it equals a clean rebuild of the whole log.
    const clean = `${box.prefix}-clean`;
    await rebuild({
      registry: READ_MODEL_REGISTRY,
      kafka,
      redis,
      projections: [timelineProjection],
      known: READ_MODELS,
      topic: box.topic,
      keyPrefix: clean,
      log: () => undefined,
    });
    expect((await digestReadModel(redis, TIMELINE, { prefix: box.prefix })).sha256).toBe((await digestReadModel(redis, TIMELINE, { prefix: clean })).sha256);
    expect([...seen.values()].every((n) => n >= 80)).toBe(true);
  });

  test('the switch waits until the new generation has read every partition as far as the current one', async () => {
    const box = await setUp('behind', 1);
    const store = new ReadModelStore(redis, box.prefix);
    const current = await store.ensureCurrent(TIMELINE);
    const offsets = (next: string) => [[`${box.topic}:0`, next]] as const;
    await store.apply([{ model: TIMELINE, target: { kind: 'current' }, expectGeneration: current, changes: [], offsets: offsets('10') }]);
    const building = await store.beginBuild(TIMELINE, 5000);
    const target = { kind: 'generation', generation: building } as const;
    await store.apply([{ model: TIMELINE, target, expectGeneration: building, changes: [], offsets: offsets('7') }]);

    expect(await store.switchTo(TIMELINE, building, box.topic)).toEqual({ status: 'behind', partitions: [`${box.topic}:0`] });
    expect(await store.current(TIMELINE)).toBe(current);

    await store.apply([{ model: TIMELINE, target, expectGeneration: building, changes: [], offsets: offsets('10') }]);
    expect(await store.switchTo(TIMELINE, building, box.topic)).toEqual({ status: 'switched', previous: current });
    expect(await store.current(TIMELINE)).toBe(building);
    // A writer that folded against the old generation is told, rather than writing where no reader looks.
    expect(await store.apply([{ model: TIMELINE, target: { kind: 'current' }, expectGeneration: current, changes: [], offsets: offsets('11') }])).toEqual([
      { status: 'moved', generation: building },
    ]);
  });

  test('a read model the replaying threads cannot name is refused before anything starts', async () => {
    const box = await setUp('unknown-model', 1);
    const impostor = { ...timelineProjection, fold: timelineProjection.fold.bind(timelineProjection) };
    await expect(
      rebuild({ registry: READ_MODEL_REGISTRY, kafka, redis, projections: [impostor], topic: box.topic, keyPrefix: box.prefix, log: () => undefined }),
    ).rejects.toThrow('read model "timeline" is not one of the registered read models');
    expect(await new ReadModelStore(redis, box.prefix).generations(TIMELINE)).toEqual([]);
  });

  test('a rebuild of a topic that does not exist is refused with its name, before anything is recorded', async () => {
    const box = sandbox('no-topic');
    cleanups.push(() => dropKeys(redis, box.prefix));
    const store = new ReadModelStore(redis, box.prefix);

    await expect(
      rebuild({
        registry: READ_MODEL_REGISTRY,
        kafka,
        redis,
        projections: [timelineProjection],
        topic: box.topic,
        keyPrefix: box.prefix,
        log: () => undefined,
      }),
    ).rejects.toThrow(`the topic "${box.topic}" does not exist on this Kafka cluster`);
    expect(await store.generations(TIMELINE)).toEqual([]);
    expect(await redis.get(`${box.prefix}:rm:${TIMELINE}:building`)).toBeNull();
    expect(await admin.listTopics()).not.toContain(box.topic);
  });

  test('a second rebuild of the same model is refused while one holds the lease', async () => {
    const box = await setUp('lease', 1);
    const store = new ReadModelStore(redis, box.prefix);
    const generation = await store.beginBuild(TIMELINE, 5000);

    await expect(
      rebuild({
        registry: READ_MODEL_REGISTRY,
        kafka,
        redis,
        projections: [timelineProjection],
        topic: box.topic,
        keyPrefix: box.prefix,
        log: () => undefined,
      }),
    ).rejects.toThrow(`a rebuild of read model "timeline" (generation ${generation}) is already running`);
    await store.abandonBuild(TIMELINE, generation);
  });

  test('an aborted rebuild drops its half-built generation and leaves readers where they were', async () => {
    const box = await setUp('abort', 2);
    await publishEvents(producer, box.topic, lifecycleHistory('p-1', 30));
    await live(box);
    await caughtUp(box);
    const store = new ReadModelStore(redis, box.prefix);
    const before = await store.current(TIMELINE);
    const abort = new AbortController();
    abort.abort();

    await expect(
      rebuild({
        registry: READ_MODEL_REGISTRY,
        kafka,
        redis,
        projections: [timelineProjection],
        topic: box.topic,
        keyPrefix: box.prefix,
        signal: abort.signal,
        log: () => undefined,
      }),
    ).rejects.toThrow('rebuild aborted');

    expect(await store.current(TIMELINE)).toBe(before);
    expect(await store.generations(TIMELINE)).toEqual([before]);
    expect(await redis.get(`${box.prefix}:rm:${TIMELINE}:building`)).toBeNull();
    expect((await readTimeline(new ReadModelReader(redis, box.prefix), 'p-1'))?.events).toBe(30);
  });

  test('the CLI rebuilds with a progress display on a non-terminal stderr, and digest prints the model’s hash', async () => {
    const box = await setUp('cli', 2);
    await publishEvents(producer, box.topic, [...lifecycleHistory('p-1', 40), ...lifecycleHistory('p-2', 40)]);
    const args = ['--read-model', TIMELINE, '--topic', box.topic, '--prefix', box.prefix];

    const refused = spawnTs('infra/projections-main.ts', {}, ['rebuild', ...args, '--threads', '0']);
    expect((await refused.exited).code).not.toBe(0);
    expect(refused.output()).toContain('--threads takes a whole number from 1 to 64, not "0"');

    const rebuildRun = spawnTs('infra/projections-main.ts', {}, ['rebuild', ...args, '--threads', '2']);
    const rebuilt = await rebuildRun.exited;
    expect({ code: rebuilt.code, output: rebuildRun.output() }).toMatchObject({ code: 0 });
    expect(rebuildRun.output()).toContain('replaying with 2 threads');
    expect(rebuildRun.output()).toMatch(/rebuilt timeline: generation \d+/);
    expect(rebuildRun.output()).toMatch(/100\.0% 80\/80 events .* ev\/s {2}lag 0/);
    expect(rebuildRun.output()).not.toContain('\r');

    const digestRun = spawnTs('infra/projections-main.ts', {}, ['digest', ...args]);
    expect((await digestRun.exited).code).toBe(0);
    const expected = await digestReadModel(redis, TIMELINE, { prefix: box.prefix });
    expect(digestRun.output()).toContain(`timeline\tgeneration ${expected.generation}\t${expected.keys} keys\tsha256 ${expected.sha256}`);
  });
});

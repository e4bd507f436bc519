import { READ_MODEL_REGISTRY } from '../../projections/read-models';
import type { Redis } from 'ioredis';
import type { Admin, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { CloudEvent } from '../../domain/cloudevent';
import { READ_MODELS } from '../../projections/read-models';
import { catalogOf, compileProjection, createDecoder, digestReadModel, rebuild, ReadModelStore } from '../../projections/runner';
import { BatchProcessor } from '../../projections/runner/batch';
import type { MessageBatch } from '../../projections/runner/flush';
import { RunnerMetrics } from '../../projections/runner/metrics';
import { SUMMARY } from '../../projections/summary/read-model';
import { TIMELINE } from '../../projections/timeline/read-model';
import { eventually } from '../support/stack';
import { interleaved, lifecycleHistory } from '../unit/projections/support/events';
import {
  connectClients,
  createTopics,
  disconnectClients,
  dropKeys,
  publishEvents,
  removeSandbox,
  sandbox,
  spawnTs,
  type Child,
  untilCaughtUp,
} from './support/harness';

/*
 * Scaling the projector out: several processes in one consumer group, each folding the partitions the group gives it.
 * A partition can move between them at any rebalance and come back later, so a projector's in-memory states can be
 * stale; the sequence-guarded writes must turn that into a re-read, never a lost or doubled event.
 */
describe('projectors sharing one consumer group', () => {
  let kafka: Kafka;
  let redis: Redis;
  let admin: Admin;
  let producer: Producer;
  const children: Child[] = [];
  const cleanups: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    ({ kafka, redis, admin, producer } = await connectClients());
  });

  afterAll(async () => {
    for (const c of children) if (c.process.exitCode === null && c.process.signalCode === null) c.process.kill('SIGKILL');
    for (const c of cleanups) await c();
    await disconnectClients({ producer, admin, redis });
  });

  test('a partition that moves to another projector and back: the stale state in memory conflicts, is read again, and nothing is lost or doubled', async () => {
    const box = sandbox('stale-cache');
    cleanups.push(
      () => dropKeys(redis, box.prefix),
      () => dropKeys(redis, `${box.prefix}-one`),
    );
    const models = READ_MODELS.map(compileProjection);
    const decode = createDecoder(catalogOf(READ_MODELS));
    const processor = (prefix: string) => {
      const metrics = new RunnerMetrics(models.map((m) => m.name));
      const p = new BatchProcessor({
        store: new ReadModelStore(redis, prefix),
        models,
        decode,
        target: () => ({ kind: 'current' }),
        metrics,
        log: () => undefined,
      });
      return { p, metrics };
    };
    const log = interleaved(['p-1', 'p-2', 'p-3'], 30);
    const batchOf = (from: number, to: number): MessageBatch => ({
      topic: box.topic,
      partition: 0,
      highWatermark: String(log.length),
      messages: log.slice(from, to).map((e, i) => message(e, from + i)),
    });

    // The partition is first folded by A, then by B (after a rebalance), then by A again: A still has the states it
    // folded itself, which B has moved on from since.
    const a = processor(box.prefix);
    const b = processor(box.prefix);
    for (const [who, from, to] of [
      [a, 0, 30],
      [b, 30, 60],
      [a, 60, 90],
    ] as const) {
      expect(who.p.add(batchOf(from, to))).toBe(true);
      await who.p.flush();
    }
    // The same log folded by one processor alone.
    const one = processor(`${box.prefix}-one`);
    one.p.add(batchOf(0, 90));
    await one.p.flush();

    // Every event changes the timeline and the summary: A's writes of both were refused once, then folded again.
    for (const name of [TIMELINE, SUMMARY]) expect([name, a.metrics.snapshot().models[name]?.conflicts]).toEqual([name, 1]);
    for (const m of models) {
      const shared = await digestReadModel(redis, m.name, { prefix: box.prefix });
      const alone = await digestReadModel(redis, m.name, { prefix: `${box.prefix}-one` });
      expect({ model: m.name, sha256: shared.sha256, keys: shared.keys }).toEqual({ model: m.name, sha256: alone.sha256, keys: alone.keys });
    }
    const applied = (x: { metrics: RunnerMetrics }) => x.metrics.snapshot().models[TIMELINE]?.applied ?? 0;
    expect(applied(a) + applied(b)).toBe(90);
    expect(applied(one)).toBe(90);
  });

  test('three projector processes: one joins, takes partitions, is killed with SIGKILL; the others take them back and the read models equal a clean rebuild', async () => {
    const box = sandbox('scale-out');
    await createTopics(admin, box, 3);
    cleanups.push(
      () => removeSandbox(admin, redis, box, [box.group('live')]),
      () => dropKeys(redis, `${box.prefix}-clean`),
    );
    const histories = Array.from({ length: 18 }, (_, i) => lifecycleHistory(`p-${String(i).padStart(2, '0')}`, 45));
    const round = (r: number) => histories.flatMap((h) => h.slice(r * 15, (r + 1) * 15));
    const spawnProjector = () => {
      const child = spawnTs('test/projections/support/projector-child.ts', {
        PF_TEST_TOPIC: box.topic,
        PF_TEST_DLQ: box.deadLetterTopic,
        PF_TEST_GROUP: box.group('live'),
        PF_TEST_PREFIX: box.prefix,
        PF_TEST_MAX_BYTES: '8192',
      });
      children.push(child);
      return child;
    };
    const applied = (c: Child) =>
      c
        .output()
        .split('\n')
        .filter((l) => l.startsWith('applied ')).length;
    const caughtUp = (what: string) => untilCaughtUp(redis, admin, box.topic, box.prefix, what);

    const [first, second] = [spawnProjector(), spawnProjector()];
    await Promise.all([first.waitForLine(/^ready$/), second.waitForLine(/^ready$/)]);
    await publishEvents(producer, box.topic, round(0));
    await caughtUp('two projectors through the first round');

    // A third member joins: the group gives it a partition the others had (their states of it go stale).
    const third = spawnProjector();
    await third.waitForLine(/^log joined group .*: folding partition \d/);
    await publishEvents(producer, box.topic, round(1));
    await eventually(async () => (applied(third) > 0 ? true : undefined), 60_000, 'the third projector folding a partition of its own');
    await caughtUp('three projectors through the second round');

    third.process.kill('SIGKILL');
    expect((await third.exited).signal).toBe('SIGKILL');
    // Its partitions go back to the first two once its session times out; they fold them from their stale states.
    await publishEvents(producer, box.topic, round(2));
    await caughtUp('the remaining two through the third round');
    for (const c of [first, second]) c.process.kill('SIGTERM');
    const stopped = await Promise.all([first.exited, second.exited]);
    expect(stopped.map((s) => s.code)).toEqual([0, 0]);
    expect(applied(first) + applied(second)).toBeGreaterThan(0);
    expect(Math.min(applied(first), applied(second))).toBeGreaterThan(0);

    const result = await rebuild({
      registry: READ_MODEL_REGISTRY,
      kafka,
      redis,
      projections: READ_MODELS,
      topic: box.topic,
      keyPrefix: `${box.prefix}-clean`,
      log: () => undefined,
    });
    expect(result.events).toBe(18 * 45);
    for (const model of READ_MODELS.map((m) => m.name)) {
      const shared = await digestReadModel(redis, model, { prefix: box.prefix });
      const rebuilt = await digestReadModel(redis, model, { prefix: `${box.prefix}-clean` });
      expect({ model, sha256: shared.sha256, keys: shared.keys }).toEqual({ model, sha256: rebuilt.sha256, keys: rebuilt.keys });
    }
    const current = (await new ReadModelStore(redis, box.prefix).current(TIMELINE)) as string;
    const seqs = await redis.hvals(`${box.prefix}:rm:${TIMELINE}:${current}:seq`);
    expect(seqs.sort()).toEqual(Array.from({ length: 18 }, () => '45'));
  }, 300_000);
});

function message(event: CloudEvent, offset: number): KafkaMessage {
  return { key: Buffer.from(event.subject), value: Buffer.from(JSON.stringify(event)), offset: String(offset), timestamp: '0', attributes: 0, headers: {} };
}

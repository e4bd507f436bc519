import { READ_MODEL_REGISTRY } from '../../projections/read-models';
import type { Redis } from 'ioredis';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { READ_MODELS } from '../../projections/read-models';
import { digestReadModel, rebuild, ReadModelStore } from '../../projections/runner';
import { PROBE } from '../../projections/probe/read-model';
import { TIMELINE } from '../../projections/timeline/read-model';
import { eventually } from '../support/stack';
import { lifecycleHistory } from '../unit/projections/support/events';
import { connectClients, createTopics, dropKeys, publishEvents, removeSandbox, sandbox, spawnTs, type Child, untilCaughtUp } from './support/harness';

const PARTNERSHIPS = 24;
const EVENTS_EACH = 60;
const KILLS = 6;

describe('the projector killed with SIGKILL mid-batch, repeatedly, and restarted', () => {
  let kafka: Kafka;
  let redis: Redis;
  let admin: Admin;
  let producer: Producer;
  const box = sandbox('kill');
  const clean = { ...box, prefix: `${box.prefix}-clean` };
  let child: Child | undefined;

  beforeAll(async () => {
    ({ kafka, redis, admin, producer } = await connectClients());
    await createTopics(admin, box, 3);
  });

  afterAll(async () => {
    if (child && child.process.exitCode === null) child.process.kill('SIGKILL');
    await producer?.disconnect();
    await removeSandbox(admin, redis, box, [box.group('live')]);
    await dropKeys(redis, clean.prefix);
    await admin?.disconnect();
    redis?.disconnect();
  });

  const spawnProjector = () =>
    spawnTs('test/projections/support/projector-child.ts', {
      PF_TEST_TOPIC: box.topic,
      PF_TEST_DLQ: box.deadLetterTopic,
      PF_TEST_GROUP: box.group('live'),
      PF_TEST_PREFIX: box.prefix,
      PF_TEST_MAX_BYTES: '8192',
      PF_TEST_APPLY_DELAY_MS: '25',
    });

  test('ends with the same read models as a clean rebuild: nothing lost, nothing doubled', async () => {
    const histories = Array.from({ length: PARTNERSHIPS }, (_, i) => lifecycleHistory(`p-${String(i).padStart(2, '0')}`, EVENTS_EACH));
    const round = (r: number, rounds: number) =>
      histories.flatMap((h) => h.slice(Math.floor((r * EVENTS_EACH) / rounds), Math.floor(((r + 1) * EVENTS_EACH) / rounds)));
    // A poison message too: its dead-lettering is at-least-once, its effect on the read models none.
    await producer.send({ topic: box.topic, messages: [{ key: 'poison', value: 'not json' }] });
    await publishEvents(producer, box.topic, round(0, KILLS + 1));

    const redeliveries: number[] = [];
    for (let kill = 0; kill < KILLS; kill += 1) {
      child = spawnProjector();
      await child.waitForLine(/^ready$/);
      // Alternate the moment: right after a batch reached Redis (before its offset commit), or anywhere in the
      // cycle of fetch, decode, Redis write and commit once consuming is under way.
      const nth = 1 + (kill % 3);
      await eventually(async () => (countLines(child!.output(), /^applied /) >= nth ? true : undefined), 60_000, `batch ${nth}`);
      if (kill % 2 === 1) await new Promise((r) => setTimeout(r, 7 + kill * 9));
      child.process.kill('SIGKILL');
      const exit = await child.exited;
      expect(exit.signal).toBe('SIGKILL');
      redeliveries.push(maxDuplicates(child.output()));
      await publishEvents(producer, box.topic, round(kill + 1, KILLS + 1));
    }

    child = spawnProjector();
    await child.waitForLine(/^ready$/);
    await untilCaughtUp(redis, admin, box.topic, box.prefix, 'the restarted projector at the end of the log');
    child.process.kill('SIGTERM');
    await child.exited;
    redeliveries.push(maxDuplicates(child.output()));

    // Some restart re-read a batch that Redis already had (a kill between write and commit) and changed nothing.
    expect(Math.max(...redeliveries)).toBeGreaterThan(0);

    const result = await rebuild({
      registry: READ_MODEL_REGISTRY,
      kafka,
      redis,
      projections: READ_MODELS,
      topic: box.topic,
      keyPrefix: clean.prefix,
      log: () => undefined,
    });
    expect(result.events).toBe(PARTNERSHIPS * EVENTS_EACH + 1);
    for (const model of [TIMELINE, PROBE]) {
      const killed = await digestReadModel(redis, model, { prefix: box.prefix });
      const rebuilt = await digestReadModel(redis, model, { prefix: clean.prefix });
      expect({ model, sha256: killed.sha256, keys: killed.keys }).toEqual({ model, sha256: rebuilt.sha256, keys: rebuilt.keys });
    }
    const current = (await new ReadModelStore(redis, box.prefix).current(TIMELINE)) as string;
    const seqs = await redis.hvals(`${box.prefix}:rm:${TIMELINE}:${current}:seq`);
    expect(seqs).toHaveLength(PARTNERSHIPS);
    expect(seqs.every((s) => s === String(EVENTS_EACH))).toBe(true);
    expect(await redis.llen(`${box.prefix}:rm:${TIMELINE}:${current}:ix:entries:p-07`)).toBe(EVENTS_EACH);
  }, 300_000);
});

function countLines(output: string, pattern: RegExp): number {
  return output.split('\n').filter((l) => pattern.test(l)).length;
}

function maxDuplicates(output: string): number {
  return Math.max(0, ...[...output.matchAll(/duplicates=(\d+)/g)].map((m) => Number(m[1])));
}

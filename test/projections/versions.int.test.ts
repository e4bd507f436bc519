import { READ_MODEL_REGISTRY } from '../../projections/read-models';
import type { Redis } from 'ioredis';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { projectionsCli } from '../../projections/cli-commands';
import { rebuild, ReadModelStore, startProjector } from '../../projections/runner';
import { WORK_BOARD, workBoardProjection } from '../../projections/work-board/read-model';
import { story, task } from '../unit/projections/support/story';
import { eventually } from '../support/stack';
import { connectClients, createTopics, disconnectClients, publishEvents, removeSandbox, sandbox, topicEnd } from './support/harness';

/*
 * A read model's version says which code built a generation. A generation built by an older fold lacks what the newer
 * one writes (the work board's per-owner index, say) until rebuilt: the projector and `projections status` say so,
 * and a rebuild records the code's version.
 */

describe('read model versions (real Kafka and Redis)', () => {
  const box = sandbox('versions');
  let clients: { kafka: Kafka; redis: Redis; admin: Admin; producer: Producer };
  let store: ReadModelStore;

  beforeAll(async () => {
    clients = await connectClients();
    await createTopics(clients.admin, box, 2);
    store = new ReadModelStore(clients.redis, box.prefix);
  });

  afterAll(async () => {
    await removeSandbox(clients.admin, clients.redis, box, [box.group('live')]);
    await disconnectClients(clients);
  });

  async function status(): Promise<string> {
    const out: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out.push(String(chunk));
      return true;
    });
    try {
      await projectionsCli(['status', '--read-model', WORK_BOARD, '--prefix', box.prefix, '--topic', box.topic]);
    } finally {
      spy.mockRestore();
    }
    return out.join('');
  }

  test('a generation records the version that created it; one from before versions reads as 1', async () => {
    expect(workBoardProjection.version).toBe(4);
    const made = await store.ensureCurrent('fresh-model', 3);
    expect(await store.builtBy('fresh-model', made)).toBe(3);
    // ensureCurrent of an existing generation leaves its record alone.
    expect(await store.ensureCurrent('fresh-model', 5)).toBe(made);
    expect(await store.builtBy('fresh-model', made)).toBe(3);
    await clients.redis.del(`${store.root('fresh-model')}${made}:meta:version`);
    expect(await store.builtBy('fresh-model', made)).toBe(1);
  });

  test('a projector over a generation built by an older version says to rebuild it; after the rebuild it does not', async () => {
    // The deployed work board, as version 1 left it.
    const old = await store.ensureCurrent(WORK_BOARD, 1);
    const events = story('p-v').add('PartnershipRegistered').add('TaskOpened', task('a', '2025-01-10T00:00:00.000Z')).events;
    await publishEvents(clients.producer, box.topic, events);

    const lines: string[] = [];
    const start = () =>
      startProjector({
        kafka: clients.kafka,
        redis: clients.redis,
        projections: [workBoardProjection],
        topic: box.topic,
        deadLetterTopic: box.deadLetterTopic,
        groupId: box.group('live'),
        keyPrefix: box.prefix,
        log: (l) => lines.push(l),
      });
    let projector = await start();
    const end = await topicEnd(clients.admin, box.topic);
    await eventually(
      async () => {
        const offsets = await store.offsets(WORK_BOARD, old);
        return [...end].every(([p, high]) => high === '0' || offsets[`${box.topic}:${p}`] === high) ? true : undefined;
      },
      60_000,
      'the old work board at the end of the log',
    );
    await projector.stop();
    const warning = lines.find((l) => l.startsWith(`read model "${WORK_BOARD}"`));
    expect(warning).toBe(
      `read model "work-board" (generation ${old}) was built by version 1 of its fold and this projector is version 4: ` +
        'what the newer version adds is missing until you rebuild it (npm run projections -- rebuild --read-model work-board)',
    );
    expect(await status()).toMatch(new RegExp(`^work-board\\tgeneration ${old}\\tversion 1, code is 4: rebuild it\\tlag 0\\tgaps 0$`, 'm'));

    const rebuilt = await rebuild({
      registry: READ_MODEL_REGISTRY,
      kafka: clients.kafka,
      redis: clients.redis,
      projections: [workBoardProjection],
      topic: box.topic,
      keyPrefix: box.prefix,
      workers: 1,
      log: () => undefined,
    });
    const current = rebuilt.models[0]?.generation as string;
    expect(current).not.toBe(old);
    expect(await store.builtBy(WORK_BOARD, current)).toBe(workBoardProjection.version);
    // What version 2 added is there now: the owner's sorted set.
    expect(await clients.redis.zrange(`${store.root(WORK_BOARD)}${current}:ix:tasks:by-due:owner:olga.owner`, '0', '-1')).toEqual(['p-v/a']);

    lines.length = 0;
    projector = await start();
    await projector.stop();
    expect(lines.filter((l) => l.startsWith('read model'))).toEqual([]);
    expect(await status()).toMatch(new RegExp(`^work-board\\tgeneration ${current}\\tversion 4\\tlag 0\\tgaps 0$`, 'm'));
  });
});

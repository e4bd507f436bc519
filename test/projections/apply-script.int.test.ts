import type { Redis } from 'ioredis';
import { dumpReadModel, ReadModelStore, type IndexOp } from '../../projections/runner';
import { withScripts } from '../../projections/runner/scripts';
import type { SubjectChange } from '../../projections/runner/fold';
import { connectClients, disconnectClients, dropKeys, sandbox } from './support/harness';

/*
 * The apply script batches its writes (sequence tokens checked with HMGET and written with HSET in chunks, docs with
 * MSET, runs of index ops on one key in one call). Whatever it batches, the result must be that of applying subject
 * after subject, op after op: compared here with exactly that, written command by command.
 */

const SUBJECTS = 2500; // more than one chunk (1000) of every batched write

function opsOf(i: number): IndexOp[] {
  const s = `p-${i}`;
  const ops: IndexOp[] = [
    { op: 'zadd', key: 'shared-z', score: i % 7, member: s },
    { op: 'zadd', key: 'shared-z', score: 100 + i, member: i % 3 === 0 ? 'hot' : s },
    { op: 'hset', key: 'shared-h', field: i % 5 === 0 ? 'hot' : s, value: `v${i}` },
    { op: 'rpush', key: 'shared-l', value: s },
    { op: 'sadd', key: 'shared-s', member: s },
    { op: 'rpush', key: `own:${s}`, value: 'a' },
    { op: 'rpush', key: `own:${s}`, value: 'b' },
  ];
  // Runs broken by other ops on the same keys, whose order matters.
  if (i % 10 === 0) ops.push({ op: 'del', key: 'shared-l' }, { op: 'rpush', key: 'shared-l', value: `after-del-${i}` });
  if (i % 4 === 0) ops.push({ op: 'srem', key: 'shared-s', member: `p-${i - 1}` }, { op: 'zrem', key: 'shared-z', member: 'hot' });
  if (i % 6 === 0) ops.push({ op: 'hdel', key: 'shared-h', field: 'hot' }, { op: 'hincrby', key: 'counts', field: 'n', by: 2 });
  return ops;
}

function changes(): SubjectChange[] {
  return Array.from({ length: SUBJECTS }, (_, i) => ({
    subject: `p-${i}`,
    expectSeq: 0,
    expectHeld: 0,
    seq: 3,
    held: 0,
    ...(i % 9 === 8 ? {} : { doc: JSON.stringify({ n: i }) }),
    ops: opsOf(i),
    hold: [],
    unhold: [],
  }));
}

/** The same changes, one plain command per write, in order. */
async function applyOneByOne(redis: Redis, ns: string, all: readonly SubjectChange[]): Promise<void> {
  for (const c of all) {
    await redis.hset(`${ns}seq`, c.subject, String(c.seq));
    if (typeof c.doc === 'string') await redis.set(`${ns}doc:${c.subject}`, c.doc);
    for (const o of c.ops) {
      const key = `${ns}ix:${o.key}`;
      if (o.op === 'zadd') await redis.zadd(key, String(o.score), o.member);
      else if (o.op === 'zrem') await redis.zrem(key, o.member);
      else if (o.op === 'sadd') await redis.sadd(key, o.member);
      else if (o.op === 'srem') await redis.srem(key, o.member);
      else if (o.op === 'hset') await redis.hset(key, o.field, o.value);
      else if (o.op === 'hdel') await redis.hdel(key, o.field);
      else if (o.op === 'hincrby') {
        if ((await redis.hincrby(key, o.field, o.by)) === 0) await redis.hdel(key, o.field);
      } else if (o.op === 'rpush') await redis.rpush(key, o.value);
      else await redis.del(key);
    }
  }
}

describe('the apply script', () => {
  let redis: Redis;
  let kafka: Awaited<ReturnType<typeof connectClients>>;
  const box = sandbox('apply-script');

  beforeAll(async () => {
    kafka = await connectClients();
    redis = kafka.redis;
  });

  afterAll(async () => {
    await dropKeys(redis, box.prefix);
    await disconnectClients(kafka);
  });

  test('batched writes leave exactly what subject-by-subject writes leave', async () => {
    const store = new ReadModelStore(redis, box.prefix);
    const batched = await store.ensureCurrent('batched');
    const reference = await store.ensureCurrent('reference');
    const all = changes();

    const [result] = await store.apply([{ model: 'batched', target: { kind: 'current' }, expectGeneration: batched, changes: all, offsets: [['t:0', '1']] }]);
    await applyOneByOne(redis, `${store.root('reference')}${reference}:`, all);

    expect(result).toEqual({ status: 'ok', generation: batched });
    const got = await dumpReadModel(redis, 'batched', { prefix: box.prefix });
    const want = await dumpReadModel(redis, 'reference', { prefix: box.prefix });
    expect(got.keys.length).toBe(SUBJECTS * 2 - Math.floor(SUBJECTS / 9) + 6);
    expect(got.keys).toEqual(want.keys);
  });

  test('reading subjects of a model with no current generation says so, instead of failing to parse what is not there', async () => {
    const store = new ReadModelStore(redis, box.prefix);

    // A projector whose Redis lost the generation pointer (flushed under it, say) must be able to create a new one.
    const loaded = await store.load('never-written', { kind: 'current' }, ['p-1', 'p-2']);

    expect(loaded).toEqual({ generation: '', states: new Map() });
    expect(await store.current('never-written')).toBeNull();
  });

  test('one stale subject among thousands: a conflict naming it, and nothing written', async () => {
    const store = new ReadModelStore(redis, box.prefix);
    const gen = await store.ensureCurrent('conflicting');
    const first = changes();
    await store.apply([{ model: 'conflicting', target: { kind: 'current' }, expectGeneration: gen, changes: first, offsets: [] }]);
    const before = await dumpReadModel(redis, 'conflicting', { prefix: box.prefix });

    const again = first.map((c, i) => ({ ...c, expectSeq: i === 1777 ? 2 : 3, seq: 4, doc: JSON.stringify({ again: i }) }));
    const [result] = await store.apply([{ model: 'conflicting', target: { kind: 'current' }, expectGeneration: gen, changes: again, offsets: [] }]);

    expect(result).toEqual({ status: 'conflict', subjects: ['p-1777'] });
    expect((await dumpReadModel(redis, 'conflicting', { prefix: box.prefix })).keys).toEqual(before.keys);
  });

  test.each([
    ['an unknown op', ['flushall', 'k', '0'], /unknown index op flushall/],
    ['an odd number of zadd arguments', ['zadd', 'k', '3', '1', 'a', '2'], /wrong argument count for index op zadd/],
    ['hincrby without its amount', ['hincrby', 'k', '1', 'f'], /wrong argument count for index op hincrby/],
    ['del with arguments', ['del', 'k', '1', 'x'], /wrong argument count for index op del/],
    ['a count running past the end', ['sadd', 'k', '5', 'a'], /malformed apply arguments/],
  ])('an index write with %s is refused before anything is written', async (_what, write, message) => {
    const store = new ReadModelStore(redis, box.prefix);
    const gen = await store.ensureCurrent('refusing');
    const scripted = withScripts(redis);
    // One good subject (a doc and a sequence) and a valid write first: none of it may land.
    const args = ['1', 't:0', '9', '1', 'p-1', '0', '1', '+', '{"n":1}', '.', 'sadd', 'good', '1', 'm', ...write];

    await expect(scripted.pfApply(store.root('refusing'), '', gen, args)).rejects.toThrow(message);

    expect((await dumpReadModel(redis, 'refusing', { prefix: box.prefix })).keys).toEqual([]);
  });

  test('a sorted-set score that is not a finite number is refused before anything is sent, naming the key', async () => {
    const store = new ReadModelStore(redis, box.prefix);
    const gen = await store.ensureCurrent('bad-score');
    const change: SubjectChange = {
      subject: 'p-1',
      expectSeq: 0,
      expectHeld: 0,
      seq: 1,
      held: 0,
      doc: '{}',
      ops: [{ op: 'zadd', key: 'by-due', score: Number.NaN, member: 'p-1' }],
      hold: [],
      unhold: [],
    };

    await expect(store.apply([{ model: 'bad-score', target: { kind: 'current' }, expectGeneration: gen, changes: [change], offsets: [] }])).rejects.toThrow(
      'index op zadd on "by-due" has score NaN (member "p-1"): a sorted-set score must be a finite number',
    );
    expect((await dumpReadModel(redis, 'bad-score', { prefix: box.prefix })).keys).toEqual([]);
  });
});

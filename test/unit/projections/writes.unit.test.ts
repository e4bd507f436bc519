import fc from 'fast-check';
import type { IndexOp } from '../../../projections/runner';
import { writesOf } from '../../../projections/runner/store';

/** One Redis key in memory: what a sorted set, set, hash or list holds, as plain values. */
type Value = Map<string, string> | string[] | null;

/** Applies one op the way Redis would (one command per op). */
function applyOp(value: Value, o: IndexOp): Value {
  if (o.op === 'del') return null;
  if (o.op === 'rpush') return [...((value as string[] | null) ?? []), o.value];
  const map = new Map((value as Map<string, string> | null) ?? []);
  if (o.op === 'zadd') map.set(o.member, String(o.score));
  else if (o.op === 'sadd') map.set(o.member, '');
  else if (o.op === 'zrem' || o.op === 'srem') map.delete(o.member);
  else if (o.op === 'hset') map.set(o.field, o.value);
  else if (o.op === 'hdel') map.delete(o.field);
  else {
    // A count that comes to 0 is removed (see IndexOp).
    const n = Number(map.get(o.field) ?? '0') + o.by;
    if (n === 0) map.delete(o.field);
    else map.set(o.field, String(n));
  }
  return map.size === 0 ? null : map;
}

/** Applies the (variadic) writes `writesOf` returns. */
function applyWrite(value: Value, [op, ...args]: string[]): Value {
  if (op === 'del') return null;
  if (op === 'rpush') return [...((value as string[] | null) ?? []), ...args];
  const map = new Map((value as Map<string, string> | null) ?? []);
  const pairs = op === 'zadd' || op === 'hset' || op === 'hincrby';
  for (let i = 0; i < args.length; i += pairs ? 2 : 1) {
    const a = args[i] as string;
    const b = args[i + 1] as string;
    if (op === 'zadd') map.set(b, a);
    else if (op === 'sadd') map.set(a, '');
    else if (op === 'zrem' || op === 'srem' || op === 'hdel') map.delete(a);
    else if (op === 'hset') map.set(a, b);
    else if (Number(map.get(a) ?? '0') + Number(b) === 0) map.delete(a);
    else map.set(a, String(Number(map.get(a) ?? '0') + Number(b)));
  }
  return map.size === 0 ? null : map;
}

const member = fc.constantFrom('t-1', 't-2', 't-3', 'hot');
const zsetOps = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('zadd' as const), key: fc.constant('k'), score: fc.integer({ min: 0, max: 9 }), member }),
    fc.record({ op: fc.constant('zrem' as const), key: fc.constant('k'), member }),
    fc.constant({ op: 'del' as const, key: 'k' }),
  ),
  { maxLength: 12 },
);
const setOps = fc.array(
  fc.oneof(fc.record({ op: fc.constantFrom('sadd' as const, 'srem' as const), key: fc.constant('k'), member }), fc.constant({ op: 'del' as const, key: 'k' })),
  { maxLength: 12 },
);
const hashOps = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('hset' as const), key: fc.constant('k'), field: member, value: fc.constantFrom('1', '5', 'x') }),
    fc.record({ op: fc.constant('hdel' as const), key: fc.constant('k'), field: member }),
    fc.record({ op: fc.constant('hincrby' as const), key: fc.constant('k'), field: fc.constantFrom('n', 'm', 'hot'), by: fc.integer({ min: -3, max: 3 }) }),
    fc.constant({ op: 'del' as const, key: 'k' }),
  ),
  { maxLength: 12 },
);
const listOps = fc.array(
  fc.oneof(
    fc.record({ op: fc.constant('rpush' as const), key: fc.constant('k'), value: fc.string({ maxLength: 3 }) }),
    fc.constant({ op: 'del' as const, key: 'k' }),
  ),
  { maxLength: 1200 },
);

describe('writesOf: the fewest writes that leave a key as its ops one by one would', () => {
  test.each([
    ['sorted set', zsetOps],
    ['set', setOps],
    ['hash (sets, deletes and increments, also of one field)', hashOps],
    ['list (appends past one chunk, deletes)', listOps],
  ] as const)('%s', (_kind, ops) => {
    fc.assert(
      fc.property(ops as fc.Arbitrary<IndexOp[]>, (run) => {
        const oneByOne = run.reduce<Value>(applyOp, null);
        const written = writesOf(run).reduce<Value>(applyWrite, null);
        expect(written).toEqual(oneByOne);
      }),
      { numRuns: 500 },
    );
  });

  test('a task opened, reassigned and closed in one flush: one ZREM, not five writes', () => {
    const ops: IndexOp[] = [
      { op: 'zadd', key: 'tasks', score: 10, member: 'p-1:t-1' },
      { op: 'zadd', key: 'tasks', score: 10, member: 'p-1:t-2' },
      { op: 'zadd', key: 'tasks', score: 20, member: 'p-1:t-1' },
      { op: 'zrem', key: 'tasks', member: 'p-1:t-1' },
      { op: 'zadd', key: 'tasks', score: 30, member: 'p-1:t-3' },
    ];

    // Writes to different members commute: their order is free.
    expect(writesOf(ops).sort()).toEqual([
      ['zadd', '10', 'p-1:t-2', '30', 'p-1:t-3'],
      ['zrem', 'p-1:t-1'],
    ]);
  });

  test('what came before a DEL is dropped; increments of a field add up', () => {
    expect(
      writesOf([
        { op: 'hset', key: 'h', field: 'a', value: '1' },
        { op: 'del', key: 'h' },
        { op: 'hincrby', key: 'h', field: 'n', by: 2 },
        { op: 'hincrby', key: 'h', field: 'n', by: 3 },
      ]),
    ).toEqual([['del'], ['hincrby', 'n', '5']]);
  });
});

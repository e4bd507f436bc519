import type { IndexOp } from './projection';
import { entryOf } from '../../domain/records';

/* Index helpers any read model may use: written once in the runner, not inside one read model. */

/**
 * Index writes that keep a cross-partnership index of entries in step with a record in the doc: each entry is a
 * member `<subject>/<id>` of sorted set `zset` (scored by `score`) with its JSON in hash `hash`. Entries that left the
 * record are removed; new or changed ones (re)written, so replaying a step writes nothing new.
 */
export function syncEntries<T>(
  subject: string,
  before: Readonly<Record<string, T>>,
  after: Readonly<Record<string, T>>,
  keys: { zset: (entry: T) => string; hash: string },
  score: (entry: T) => number,
  render: (entry: T) => unknown,
): IndexOp[] {
  const ops: IndexOp[] = [];
  for (const [id, old] of Object.entries(before)) {
    const now = entryOf(after, id);
    if (now !== undefined && keys.zset(now) === keys.zset(old)) continue;
    ops.push({ op: 'zrem', key: keys.zset(old), member: `${subject}/${id}` });
    if (now === undefined) ops.push({ op: 'hdel', key: keys.hash, field: `${subject}/${id}` });
  }
  for (const [id, now] of Object.entries(after)) {
    if (entryOf(before, id) === now) continue;
    const member = `${subject}/${id}`;
    ops.push({ op: 'zadd', key: keys.zset(now), score: score(now), member }, { op: 'hset', key: keys.hash, field: member, value: JSON.stringify(render(now)) });
  }
  return ops;
}

/** Pairs of a ZRANGE … WITHSCORES reply. */
export function scored(reply: unknown): Array<[string, number]> {
  const flat = (reply ?? []) as string[];
  const out: Array<[string, number]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i] as string, Number(flat[i + 1])]);
  return out;
}

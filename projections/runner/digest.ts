import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { REDIS_PREFIX } from '../../domain/names';
import { ProjectionError } from './errors';
import { modelRoot } from './keys';
import { escapeGlob } from './store';

/** A read model generation's fingerprint. */
export interface Digest {
  model: string;
  generation: string;
  keys: number;
  sha256: string;
}

const CHUNK = 200;

/** One key of a read model generation in canonical form (see `dumpReadModel`). */
export interface DumpedKey {
  /** Relative to the generation, e.g. `doc:p-1`, `ix:entries:p-1`, `seq`. */
  key: string;
  type: string;
  /** JSON: strings as they are, lists and sorted sets (member, score) in order, hash fields and set members sorted. */
  value: string;
}

/**
 * Every key of one generation except runner bookkeeping (`meta:`), sorted, in a canonical rendering: two generations
 * folded from the same log dump the same however their writes were batched.
 */
export async function dumpReadModel(
  redis: Redis,
  model: string,
  opts: { generation?: string; prefix?: string } = {},
): Promise<{ generation: string; keys: DumpedKey[] }> {
  const root = modelRoot(model, opts.prefix ?? REDIS_PREFIX);
  const generation = opts.generation ?? (await redis.get(`${root}current`));
  if (generation === null) throw new ProjectionError(`read model "${model}" has no current generation under ${root}; run the projector or a rebuild first`);
  const ns = `${root}${generation}:`;
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${escapeGlob(ns)}*`, 'COUNT', 1000);
    cursor = next;
    for (const k of batch) if (!k.startsWith(`${ns}meta:`)) keys.push(k.slice(ns.length));
  } while (cursor !== '0');
  keys.sort();

  const out: DumpedKey[] = [];
  for (let i = 0; i < keys.length; i += CHUNK) {
    const chunk = keys.slice(i, i + CHUNK);
    const types = (await chunk.reduce((p, k) => p.type(ns + k), redis.pipeline()).exec()) ?? [];
    const reads = redis.pipeline();
    chunk.forEach((k, j) => {
      const type = String((types[j] as [Error | null, unknown])[1]);
      const key = ns + k;
      if (type === 'string') reads.get(key);
      else if (type === 'hash') reads.hgetall(key);
      else if (type === 'list') reads.lrange(key, 0, -1);
      else if (type === 'set') reads.smembers(key);
      else if (type === 'zset') reads.zrange(key, '0', '-1', 'WITHSCORES');
      else reads.echo(`unsupported type ${type}`);
    });
    const values = (await reads.exec()) ?? [];
    chunk.forEach((k, j) => {
      const [err, value] = values[j] as [Error | null, unknown];
      if (err) throw err;
      const type = String((types[j] as [Error | null, unknown])[1]);
      out.push({ key: k, type, value: canonical(type, value) });
    });
  }
  return { generation, keys: out };
}

/**
 * A deterministic hash of one generation of a read model (its `dumpReadModel`). Two generations folded from the same
 * log have the same digest however their writes were batched.
 */
export async function digestReadModel(redis: Redis, model: string, opts: { generation?: string; prefix?: string } = {}): Promise<Digest> {
  const { generation, keys } = await dumpReadModel(redis, model, opts);
  const hash = createHash('sha256');
  for (const k of keys) hash.update(`${k.key}\u0000${k.type}\u0000${k.value}\u0001`);
  return { model, generation, keys: keys.length, sha256: hash.digest('hex') };
}

function canonical(type: string, value: unknown): string {
  if (type === 'hash') {
    const entries = Object.entries(value as Record<string, string>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify(entries);
  }
  if (type === 'set') return JSON.stringify([...(value as string[])].sort());
  return type === 'string' ? String(value) : JSON.stringify(value);
}

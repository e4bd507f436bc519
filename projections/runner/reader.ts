import type { Redis } from 'ioredis';
import { REDIS_PREFIX } from '../../domain/names';
import { indexKey, modelRoot } from './keys';
import { withScripts, type ScriptedRedis } from './scripts';

/** Read-only commands a query may run against a read model. */
export type ReadCommandName =
  | 'GET'
  | 'HGET'
  | 'HMGET'
  | 'HGETALL'
  | 'HLEN'
  | 'HKEYS'
  | 'EXISTS'
  | 'TYPE'
  | 'LRANGE'
  | 'LLEN'
  | 'LINDEX'
  | 'SMEMBERS'
  | 'SCARD'
  | 'SISMEMBER'
  | 'ZRANGE'
  | 'ZREVRANGE'
  | 'ZRANGEBYSCORE'
  | 'ZREVRANGEBYSCORE'
  | 'ZCARD'
  | 'ZSCORE'
  | 'ZCOUNT'
  | 'ZRANK';

/** One command of a query; `key` is relative to the generation (see `docKey`, `indexKey`). */
export interface ReadCommand {
  command: ReadCommandName;
  key: string;
  args?: ReadonlyArray<string | number>;
}

/** What a query read: the generation it read from (null before the model's first generation) and each reply. */
export interface ReadResult {
  generation: string | null;
  replies: unknown[];
}

/** One page of a ranked list, and how many entries the whole list has. */
export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

/** Which page of a list to read: `limit` entries after skipping `offset` (default: the first `DEFAULT_PAGE_LIMIT`). */
export interface PageRequest {
  offset?: number;
  limit?: number;
}

export const DEFAULT_PAGE_LIMIT = 100;

/**
 * One page of a read model's index sorted set `zset`, lowest score first up to `max` (a score, or `(score` to leave it
 * out), with each member's entry (JSON) from the index hash `hash`; and how many members it holds up to `max`.
 */
export async function scoredPage<T>(
  reader: ReadModelReader,
  model: string,
  zset: string,
  hash: string,
  max: number | string,
  req: PageRequest,
): Promise<Page<T>> {
  const offset = req.offset ?? 0;
  const limit = req.limit ?? DEFAULT_PAGE_LIMIT;
  const first = await reader.read(model, [
    { command: 'ZRANGEBYSCORE', key: indexKey(zset), args: ['-inf', max, 'LIMIT', offset, limit] },
    { command: 'ZCOUNT', key: indexKey(zset), args: ['-inf', max] },
  ]);
  const ids = ((first.replies[0] ?? []) as string[]).map(String);
  const total = Number(first.replies[1] ?? 0);
  if (ids.length === 0) return { total, offset, limit, items: [] };
  // The same generation as the first read, so the page and its rows agree even across a rebuild's switch-over.
  const { replies } = await reader.read(model, [{ command: 'HMGET', key: indexKey(hash), args: ids }], first.generation ?? undefined);
  const items = ((replies[0] ?? []) as Array<string | null>).flatMap((j) => (j === null ? [] : [JSON.parse(j) as T]));
  return { total, offset, limit, items };
}

/**
 * Reads read models for queries. All commands of one `read` run in one script that first resolves the `current`
 * pointer, so a query sees one whole generation even while a rebuild switches over and drops the old one.
 */
export class ReadModelReader {
  private readonly redis: ScriptedRedis;

  constructor(
    redis: Redis,
    readonly prefix: string = REDIS_PREFIX,
  ) {
    this.redis = withScripts(redis);
  }

  /** Runs the commands against the model's current generation, or against `generation` if given. */
  async read(model: string, commands: readonly ReadCommand[], generation?: string): Promise<ReadResult> {
    const args: string[] = [modelRoot(model, this.prefix), generation ?? ''];
    for (const c of commands) {
      const extra = (c.args ?? []).map(String);
      args.push(c.command, String(extra.length), c.key, ...extra);
    }
    const reply = (await this.redis.pfRead(args)) as unknown[];
    const gen = String(reply[0]);
    return { generation: gen === '' ? null : gen, replies: gen === '' ? commands.map(() => null) : reply.slice(1) };
  }

  /**
   * The last sequence the model has applied for a subject (0 before its first event). Its `seq` field is `<last>`, or
   * `<last>~<held>` while events wait behind a gap (see `sequenceToken`).
   */
  async appliedSequence(model: string, subject: string): Promise<number> {
    const { replies } = await this.read(model, [{ command: 'HGET', key: 'seq', args: [subject] }]);
    const token = replies[0];
    return typeof token === 'string' ? Number.parseInt(token, 10) || 0 : 0;
  }
}

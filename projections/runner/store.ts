import type { Redis } from 'ioredis';
import type { CloudEvent } from '../../domain/cloudevent';
import { REDIS_PREFIX } from '../../domain/names';
import type { GapRecord, SubjectChange, SubjectState } from './fold';
import { ProjectionError } from './errors';
import { modelRoot } from './keys';
import type { IndexOp } from './projection';
import { withScripts, type ScriptedPipeline, type ScriptedRedis } from './scripts';

/** Which generation a write or read goes to: whatever `current` points at, or one named generation (a rebuild). */
export type Target = { kind: 'current' } | { kind: 'generation'; generation: string };

/** The outcome of applying one fold pass. */
export type ApplyResult =
  | { status: 'ok'; generation: string }
  /** Another writer changed these subjects since they were read: read them again and fold again. */
  | { status: 'conflict'; subjects: string[] }
  /** `current` moved to another generation (a rebuild switched over): everything read before is stale. */
  | { status: 'moved'; generation: string };

/** One fold pass to write: its changes, and the next offset of each partition it covers (`topic:partition` → offset). */
export interface ApplyRequest {
  model: string;
  target: Target;
  /** The generation the pass folded against (checked when the target is `current`). */
  expectGeneration: string;
  changes: readonly SubjectChange[];
  offsets: ReadonlyArray<readonly [string, string]>;
}

/** Most arguments one index write carries (the apply script unpacks them onto Lua's stack, which holds about 8,000). */
const WRITE_CHUNK = 1000;

/** Redis access of the runner and the rebuild: every call one script, atomic; batches pipelined. */
export class ReadModelStore {
  readonly redis: ScriptedRedis;

  constructor(
    redis: Redis,
    readonly prefix: string = REDIS_PREFIX,
  ) {
    this.redis = withScripts(redis);
  }

  root(model: string): string {
    return modelRoot(model, this.prefix);
  }

  /** The generation `current` points at, created (recording `version`, see `Projection.version`) if the model has none yet. */
  async ensureCurrent(model: string, version = 1): Promise<string> {
    return String(await this.redis.pfEnsureCurrent(this.root(model), String(version)));
  }

  /** The version of the read model's code that built a generation (1 for generations from before versions were kept). */
  async builtBy(model: string, generation: string): Promise<number> {
    return Number((await this.redis.get(`${this.root(model)}${generation}:meta:version`)) ?? '1');
  }

  /** The generation `current` points at, or null. */
  async current(model: string): Promise<string | null> {
    return this.redis.get(`${this.root(model)}current`);
  }

  /** Reads the state of the given subjects; `generation` is '' when the target is `current` and there is none. */
  async load(model: string, target: Target, subjects: readonly string[]): Promise<{ generation: string; states: Map<string, SubjectState> }> {
    const reply = (await this.redis.pfLoad(this.root(model), targetArg(target), [...subjects])) as unknown[];
    const generation = String(reply[0]);
    const states = new Map<string, SubjectState>();
    // No current generation: the script read nothing (there is nothing to read).
    if (generation === '') return { generation, states };
    subjects.forEach((subject, i) => {
      const at = 1 + i * 4;
      const token = reply[at] as string | null;
      const doc = reply[at + 1] as string | null;
      const gap = reply[at + 2] as string | null;
      const heldFlat = (reply[at + 3] ?? []) as string[];
      const held = new Map<number, CloudEvent>();
      for (let h = 0; h + 1 < heldFlat.length; h += 2) held.set(Number(heldFlat[h]), JSON.parse(heldFlat[h + 1] as string) as CloudEvent);
      states.set(subject, {
        seq: token === null ? 0 : parseInt(token, 10),
        doc: doc === null ? null : (JSON.parse(doc) as unknown),
        held,
        gap: gap === null ? null : (JSON.parse(gap) as GapRecord),
      });
    });
    return { generation, states };
  }

  /** Applies fold passes in one pipelined round trip; each pass is one atomic script call. */
  async apply(requests: readonly ApplyRequest[]): Promise<ApplyResult[]> {
    if (requests.length === 0) return [];
    const pipeline = this.redis.pipeline() as ScriptedPipeline;
    // One array argument (ioredis flattens it): a batch can have more arguments than a spread call allows.
    for (const r of requests) pipeline.pfApply(this.root(r.model), targetArg(r.target), r.expectGeneration, applyArgs(r));
    const replies = (await pipeline.exec()) ?? [];
    return replies.map(([err, reply]) => {
      if (err) throw err;
      const [status, detail] = reply as [string, unknown];
      if (status === 'ok') return { status: 'ok', generation: String(detail) };
      if (status === 'moved') return { status: 'moved', generation: String(detail) };
      if (status === 'conflict') return { status: 'conflict', subjects: (detail as string[]).map(String) };
      throw new Error(`unexpected reply from the apply script: ${JSON.stringify(reply)}`);
    });
  }

  /** Starts a rebuild: a fresh generation (built by `version`) and the model's rebuild lease, or an error naming the rebuild in progress. */
  async beginBuild(model: string, leaseMs: number, version = 1): Promise<string> {
    const [status, generation] = (await this.redis.pfBeginBuild(this.root(model), String(leaseMs), String(version))) as [string, string];
    if (status !== 'ok') {
      throw new ProjectionError(
        `a rebuild of read model "${model}" (generation ${generation}) is already running; wait for it, or for its lease (${leaseMs / 1000} s) to lapse if it crashed`,
      );
    }
    return String(generation);
  }

  /** Extends the rebuild lease; false if this generation no longer holds it. */
  async renewBuild(model: string, generation: string, leaseMs: number): Promise<boolean> {
    return Number(await this.redis.pfRenewBuild(this.root(model), generation, String(leaseMs))) === 1;
  }

  /** Releases the lease of a rebuild that will not switch over. */
  async abandonBuild(model: string, generation: string): Promise<void> {
    await this.redis.pfAbandonBuild(this.root(model), generation);
  }

  /** Switches readers to `generation` if it has read `topic` at least as far as the current one. */
  async switchTo(
    model: string,
    generation: string,
    topic: string,
  ): Promise<{ status: 'switched'; previous: string | null } | { status: 'behind'; partitions: string[] } | { status: 'lost'; holder: string }> {
    const [status, detail] = (await this.redis.pfSwitch(this.root(model), generation, `${topic}:`)) as [string, unknown];
    if (status === 'switched') return { status, previous: detail === '' ? null : String(detail) };
    if (status === 'behind') return { status, partitions: (detail as string[]).map(String) };
    return { status: 'lost', holder: String(detail) };
  }

  /** Generations that may still have keys. */
  async generations(model: string): Promise<string[]> {
    return (await this.redis.smembers(`${this.root(model)}generations`)).sort((a, b) => Number(a) - Number(b));
  }

  /** Deletes every key of one generation (SCAN + UNLINK in batches), then forgets it. Never the current one. */
  async dropGeneration(model: string, generation: string): Promise<number> {
    if ((await this.current(model)) === generation) throw new Error(`refusing to drop generation ${generation} of "${model}": readers use it`);
    const removed = await unlinkMatching(this.redis, `${escapeGlob(this.root(model) + generation)}:*`);
    await this.redis.srem(`${this.root(model)}generations`, generation);
    return removed;
  }

  /** Drops every generation that is neither current nor being built (left by crashed rebuilds or earlier switches). */
  async dropStaleGenerations(model: string): Promise<string[]> {
    const [current, building] = await Promise.all([this.current(model), this.redis.get(`${this.root(model)}building`)]);
    const stale = (await this.generations(model)).filter((g) => g !== current && g !== building);
    for (const g of stale) await this.dropGeneration(model, g);
    return stale;
  }

  /** Open gaps of a model's current generation: subject → gap record. */
  async gaps(model: string): Promise<Map<string, GapRecord>> {
    const current = await this.current(model);
    if (current === null) return new Map();
    const all = await this.redis.hgetall(`${this.root(model)}${current}:meta:gaps`);
    return new Map(Object.entries(all).map(([subject, json]) => [subject, JSON.parse(json) as GapRecord]));
  }

  /** Next offset of each partition a generation has read (`topic:partition` → offset). */
  async offsets(model: string, generation: string): Promise<Record<string, string>> {
    return this.redis.hgetall(`${this.root(model)}${generation}:meta:offsets`);
  }
}

function targetArg(target: Target): string {
  return target.kind === 'current' ? '' : target.generation;
}

/** Escapes Redis glob metacharacters so a key prefix matches only itself. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** UNLINKs every key matching a pattern, SCANning in batches; returns how many it removed. */
export async function unlinkMatching(redis: Redis, pattern: string): Promise<number> {
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) removed += await redis.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}

/** A subject's field in the `seq` hash: the last sequence, and the held count while a gap is open. */
export function sequenceToken(seq: number, held: number): string {
  return held === 0 ? String(seq) : `${seq}~${held}`;
}

/**
 * The writes a run of ops on one key comes to, as `[op, ...args]` (what `pushWrites` emits, read back; for tests and
 * tools).
 */
export function writesOf(ops: readonly IndexOp[]): string[][] {
  const flat: string[] = [];
  pushWrites(flat, 'k', ops);
  const writes: string[][] = [];
  for (let i = 0; i < flat.length;) {
    const argc = Number(flat[i + 2]);
    writes.push([flat[i] as string, ...flat.slice(i + 3, i + 3 + argc)]);
    i += 3 + argc;
  }
  return writes;
}

/**
 * Appends to `out` the writes a run of ops on one key comes to, each as op, key, argument count, arguments. What comes
 * before the last DEL is moot. A list keeps every append, in order (RPUSHes in chunks). In a sorted set, a set or a
 * hash only the last write to each member or field counts (a task opened, reassigned and closed in one flush is one
 * ZREM and one HDEL), HINCRBYs of a field add up, and the survivors go in one variadic call per command (in chunks); a
 * field both set and incremented keeps every op, in order.
 */
function pushWrites(out: string[], key: string, ops: readonly IndexOp[]): void {
  if (ops.length === 0) return;
  if (ops.length === 1) {
    pushWrite(out, key, ops[0] as IndexOp);
    return;
  }
  let from = 0;
  for (let i = ops.length - 1; i > 0; i -= 1) {
    if ((ops[i] as IndexOp).op === 'del') {
      from = i;
      break;
    }
  }
  if ((ops[from] as IndexOp).op === 'del') {
    out.push('del', key, '0');
    from += 1;
  }
  const first = ops[from];
  if (first === undefined) return;
  if (first.op === 'rpush' && ops.every((o, i) => i < from || o.op === 'rpush')) {
    // Lists are only ever appended to (and deleted, handled above).
    for (let i = from; i < ops.length; i += WRITE_CHUNK) {
      const end = Math.min(ops.length, i + WRITE_CHUNK);
      out.push('rpush', key, String(end - i));
      for (let j = i; j < end; j += 1) out.push((ops[j] as Extract<IndexOp, { op: 'rpush' }>).value);
    }
    return;
  }
  // Member or field → the last op on it; increments per field.
  const last = new Map<string, IndexOp>();
  let increments: Map<string, number> | null = null;
  for (let i = from; i < ops.length; i += 1) {
    const o = ops[i] as IndexOp;
    switch (o.op) {
      case 'zadd':
      case 'zrem':
      case 'sadd':
      case 'srem':
        last.set(o.member, o);
        break;
      case 'hset':
      case 'hdel':
        last.set(o.field, o);
        break;
      case 'hincrby':
        (increments ??= new Map()).set(o.field, (increments.get(o.field) ?? 0) + o.by);
        break;
      case 'rpush':
      case 'del':
        // An append to a key also written as something else: Redis would refuse; keep every op so it still does.
        for (let j = from; j < ops.length; j += 1) pushWrite(out, key, ops[j] as IndexOp);
        return;
    }
  }
  if (increments !== null) {
    for (const field of increments.keys()) {
      if (last.has(field)) {
        for (let j = from; j < ops.length; j += 1) pushWrite(out, key, ops[j] as IndexOp);
        return;
      }
    }
  }
  // The survivors by command, each command's in calls of at most WRITE_CHUNK arguments.
  const byOp = new Map<IndexOp['op'], IndexOp[]>();
  for (const o of last.values()) {
    const list = byOp.get(o.op);
    if (list === undefined) byOp.set(o.op, [o]);
    else list.push(o);
  }
  for (const [op, list] of byOp) {
    const per = op === 'zadd' || op === 'hset' ? 2 : 1;
    const perCall = Math.floor(WRITE_CHUNK / per);
    for (let i = 0; i < list.length; i += perCall) {
      const end = Math.min(list.length, i + perCall);
      out.push(op, key, String((end - i) * per));
      for (let j = i; j < end; j += 1) pushArgs(out, list[j] as IndexOp);
    }
  }
  if (increments !== null) for (const [field, by] of increments) out.push('hincrby', key, '2', field, String(by));
}

/** One op as one write: op, key, argument count, arguments. */
function pushWrite(out: string[], key: string, o: IndexOp): void {
  switch (o.op) {
    case 'zadd':
    case 'hset':
    case 'hincrby':
      out.push(o.op, key, '2');
      break;
    case 'del':
      out.push(o.op, key, '0');
      return;
    default:
      out.push(o.op, key, '1');
  }
  pushArgs(out, o);
}

function pushArgs(out: string[], o: IndexOp): void {
  switch (o.op) {
    case 'zadd':
      // Redis would refuse it halfway through a script that has already written: refuse it before anything is sent.
      if (!Number.isFinite(o.score)) {
        throw new ProjectionError(`index op zadd on "${o.key}" has score ${o.score} (member "${o.member}"): a sorted-set score must be a finite number`);
      }
      out.push(String(o.score), o.member);
      return;
    case 'zrem':
    case 'sadd':
    case 'srem':
      out.push(o.member);
      return;
    case 'hset':
      out.push(o.field, o.value);
      return;
    case 'hdel':
      out.push(o.field);
      return;
    case 'hincrby':
      out.push(o.field, String(o.by));
      return;
    case 'rpush':
      out.push(o.value);
      return;
    case 'del':
      return;
  }
}

/** The apply script's arguments after root, target and expected generation (see APPLY in scripts.ts). */
function applyArgs(r: ApplyRequest): string[] {
  const out: string[] = [String(r.offsets.length)];
  for (const [field, offset] of r.offsets) out.push(field, offset);
  out.push(String(r.changes.length));
  // Index ops on different keys commute, and the subjects' own keys are written apart from them: the ops of every
  // subject are merged per key, in order, into the fewest writes that leave each key as applying them one by one would.
  const byKey = new Map<string, IndexOp[]>();
  for (const c of r.changes) {
    out.push(c.subject, sequenceToken(c.expectSeq, c.expectHeld), sequenceToken(c.seq, c.held));
    if (c.doc === undefined) out.push('=');
    else if (c.doc === null) out.push('-');
    else out.push('+', c.doc);
    if (c.hold.length === 0 && c.unhold.length === 0 && c.gap === undefined) out.push('.');
    else {
      out.push('+', String(c.hold.length));
      for (const [seq, json] of c.hold) out.push(String(seq), json);
      out.push(String(c.unhold.length));
      for (const seq of c.unhold) out.push(String(seq));
      if (c.gap === undefined) out.push('=');
      else if (c.gap === null) out.push('-');
      else out.push('+', JSON.stringify(c.gap));
    }
    for (const o of c.ops) {
      const list = byKey.get(o.key);
      if (list === undefined) byKey.set(o.key, [o]);
      else list.push(o);
    }
  }
  for (const [key, list] of byKey) pushWrites(out, key, list);
  return out;
}

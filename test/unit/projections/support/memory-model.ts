import { isDeepStrictEqual } from 'node:util';
import type { CloudEvent } from '../../../../domain/cloudevent';
import { READ_MODELS } from '../../../../projections/read-models';
import { catalogOf, compileProjection, foldEvents, type DumpedKey, type GapRecord, type Projection, type SubjectState } from '../../../../projections/runner';
import { sequenceToken } from '../../../../projections/runner/store';
import type { FoldResult, SubjectChange } from '../../../../projections/runner/fold';
import type { IndexOp } from '../../../../projections/runner/projection';

/**
 * One read model generation in memory, written exactly as the Lua apply script writes Redis (sequence check first,
 * then doc, index ops, held events, gap record; an emptied key is gone, as in Redis). Lets folds be tested given/when/then without Redis.
 */
export class MemoryReadModel {
  readonly seq = new Map<string, number>();
  readonly docs = new Map<string, string>();
  readonly index: MemoryIndex = new Map();
  readonly held = new Map<string, Map<number, string>>();
  readonly gaps = new Map<string, GapRecord>();
  private readonly model;
  private readonly streams: ReadonlyMap<string, string>;

  constructor(projection: Projection) {
    this.model = compileProjection(projection);
    // Streams come from every hosted read model's types, as in the runner: a model sees all events of its streams.
    this.streams = new Map([...catalogOf([...READ_MODELS, projection])].map(([type, spec]) => [type, spec.stream]));
  }

  /** Folds events as one batch, the way the runner does, and applies the result. */
  feed(events: readonly CloudEvent[]): FoldResult {
    const subjects = new Set(events.map((e) => e.subject));
    const states = new Map<string, SubjectState>([...subjects].map((s) => [s, this.state(s)]));
    const positioned = events.map((event, i) => ({ event, stream: this.streams.get(event.type) ?? 'unknown', position: `memory:0@${i}` }));
    const result = foldEvents(this.model, states, positioned);
    this.apply(result.changes);
    for (const [subject, state] of result.states) {
      const stored = this.docs.get(subject);
      // The runner caches folded docs and reloads them from JSON after a restart: a doc must survive the round trip.
      if (!isDeepStrictEqual(stored === undefined ? null : JSON.parse(stored), state.doc)) {
        throw new Error(`${this.model.name}: the doc folded for ${subject} is not plain JSON (undefined, Date, NaN…)`);
      }
    }
    return result;
  }

  /** Feeds events in batches of `size`. */
  feedInBatches(events: readonly CloudEvent[], size: number): void {
    for (let i = 0; i < events.length; i += size) this.feed(events.slice(i, i + size));
  }

  state(subject: string): SubjectState {
    const doc = this.docs.get(subject);
    const held = new Map([...(this.held.get(subject) ?? new Map<number, string>())].map(([seq, json]) => [seq, JSON.parse(json) as CloudEvent]));
    return { seq: this.seq.get(subject) ?? 0, doc: doc === undefined ? null : (JSON.parse(doc) as unknown), held, gap: this.gaps.get(subject) ?? null };
  }

  doc<T>(subject: string): T | null {
    const doc = this.docs.get(subject);
    return doc === undefined ? null : (JSON.parse(doc) as T);
  }

  list(key: string): string[] {
    const value = this.index.get(key);
    return Array.isArray(value) ? value : [];
  }

  zset(key: string): Array<[string, number]> {
    const value = this.index.get(key);
    if (!(value instanceof Map)) return [];
    return [...(value as Map<string, number>)].sort(([am, as], [bm, bs]) => as - bs || (am < bm ? -1 : 1));
  }

  /** The model as `dumpReadModel` renders a Redis generation, to compare the two. */
  dump(): DumpedKey[] {
    const out: DumpedKey[] = [];
    const seq = new Map<string, string>();
    for (const subject of new Set([...this.seq.keys(), ...this.held.keys()])) {
      seq.set(subject, sequenceToken(this.seq.get(subject) ?? 0, this.held.get(subject)?.size ?? 0));
    }
    if (seq.size > 0) out.push({ key: 'seq', type: 'hash', value: JSON.stringify([...seq].sort(([a], [b]) => (a < b ? -1 : 1))) });
    for (const [subject, doc] of this.docs) out.push({ key: `doc:${subject}`, type: 'string', value: doc });
    for (const [key, v] of this.index) {
      if (Array.isArray(v)) out.push({ key: `ix:${key}`, type: 'list', value: JSON.stringify(v) });
      else if (v instanceof Set) out.push({ key: `ix:${key}`, type: 'set', value: JSON.stringify([...v].sort()) });
      else if ([...v.values()].every((x) => typeof x === 'number')) {
        const ranked = this.zset(key).flatMap(([member, score]) => [member, String(score)]);
        out.push({ key: `ix:${key}`, type: 'zset', value: JSON.stringify(ranked) });
      } else out.push({ key: `ix:${key}`, type: 'hash', value: JSON.stringify([...v].sort(([a], [b]) => (a < b ? -1 : 1))) });
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** Everything the model holds except runner bookkeeping, in a canonical form to compare with toEqual. */
  snapshot(): Record<string, unknown> {
    const sorted = <V>(m: Map<string, V>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
    return { seq: sorted(this.seq), docs: sorted(this.docs), index: snapshotIndex(this.index) };
  }

  private apply(changes: readonly SubjectChange[]): void {
    for (const c of changes) {
      if ((this.seq.get(c.subject) ?? 0) !== c.expectSeq || (this.held.get(c.subject)?.size ?? 0) !== c.expectHeld) {
        throw new Error(`conflict on ${c.subject}`);
      }
    }
    for (const c of changes) {
      this.seq.set(c.subject, c.seq);
      if (c.doc === null) this.docs.delete(c.subject);
      else if (c.doc !== undefined) this.docs.set(c.subject, c.doc);
      applyIndexOps(this.index, c.ops);
      const held = this.held.get(c.subject) ?? new Map<number, string>();
      for (const [seq, json] of c.hold) held.set(seq, json);
      for (const seq of c.unhold) held.delete(seq);
      if (held.size === 0) this.held.delete(c.subject);
      else this.held.set(c.subject, held);
      if (c.gap === null) this.gaps.delete(c.subject);
      else if (c.gap !== undefined) this.gaps.set(c.subject, c.gap);
    }
  }
}

/** A fresh model with `events` folded in, in batches of `batchSize` (default: one batch). */
export function replay(projection: Projection, events: readonly CloudEvent[], batchSize = events.length || 1): MemoryReadModel {
  const model = new MemoryReadModel(projection);
  model.feedInBatches(events, batchSize);
  return model;
}

/** Index keys in memory: lists, sorted sets (member → score), sets and hashes, as plain values. */
export type MemoryIndex = Map<string, string[] | Map<string, number> | Set<string> | Map<string, string>>;

/** Applies index ops one by one as Redis would (a count that comes to 0 is removed; an emptied key is gone). */
export function applyIndexOps(index: MemoryIndex, ops: readonly IndexOp[]): void {
  const listAt = (key: string) => {
    let v = index.get(key);
    if (v === undefined) index.set(key, (v = []));
    return v as string[];
  };
  const mapAt = <V>(key: string) => {
    let v = index.get(key);
    if (v === undefined) index.set(key, (v = new Map<string, V>() as Map<string, string>));
    return v as unknown as Map<string, V>;
  };
  const setAt = (key: string) => {
    let v = index.get(key);
    if (v === undefined) index.set(key, (v = new Set<string>()));
    return v as Set<string>;
  };
  for (const op of ops) {
    switch (op.op) {
      case 'rpush':
        listAt(op.key).push(op.value);
        break;
      case 'zadd':
        mapAt<number>(op.key).set(op.member, op.score);
        break;
      case 'zrem':
        mapAt<number>(op.key).delete(op.member);
        break;
      case 'sadd':
        setAt(op.key).add(op.member);
        break;
      case 'srem':
        setAt(op.key).delete(op.member);
        break;
      case 'hset':
        mapAt<string>(op.key).set(op.field, op.value);
        break;
      case 'hdel':
        mapAt<string>(op.key).delete(op.field);
        break;
      case 'hincrby': {
        const m = mapAt<string>(op.key);
        const n = Number(m.get(op.field) ?? '0') + op.by;
        if (n === 0) m.delete(op.field);
        else m.set(op.field, String(n));
        break;
      }
      case 'del':
        index.delete(op.key);
        break;
    }
    const value = index.get(op.key);
    if (value !== undefined && (Array.isArray(value) ? value.length : value.size) === 0) index.delete(op.key);
  }
}

/** Index keys in a canonical form to compare with toEqual (lists in order, members and fields sorted). */
export function snapshotIndex(index: MemoryIndex): Record<string, unknown> {
  return Object.fromEntries(
    [...index]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => [k, Array.isArray(v) ? v : v instanceof Set ? [...v].sort() : [...v].sort(([a], [b]) => (a < b ? -1 : 1))]),
  );
}

import { addCounts, ChunkWriter, type Counts, type Pass } from './chunk-writer';
import type { DeadLetterSink, Poison } from './dead-letter';
import { ProjectionError } from './errors';
import type { Decoded } from './decode';
import {
  EMPTY_STATE,
  emptyResult,
  foldPasses,
  foldSubjectThrough,
  groupBySubject,
  type FoldResult,
  type PositionedEvent,
  type SubjectGroups,
  type SubjectState,
} from './fold';
import { FlushFailed, type BatchSummary, type Flushed, type MessageBatch, type PartitionOffset } from './flush';
import { offsetField } from './keys';
import type { RunnerMetrics } from './metrics';
import type { CompiledProjection } from './projection';
import { foldPoison, type Consumed } from './poison';
import type { ApplyResult, ReadModelStore, Target } from './store';

/** What the live runner and the rebuild share: decode, dead-letter, fold and write one batch. */
export interface BatchProcessorOptions {
  store: ReadModelStore;
  models: readonly CompiledProjection[];
  decode: (value: Buffer | null) => Decoded;
  /** Where each model writes: `current` (live) or a fresh generation (rebuild). */
  target: (model: string) => Target;
  /** Absent: poison is counted and logged but not re-sent (a rebuild re-reads what the live runner already sent). */
  deadLetter?: DeadLetterSink;
  metrics: RunnerMetrics;
  log: (line: string) => void;
  /** Subjects per model whose state stays in memory between batches (saves the read round trip). */
  cacheSize?: number;
  /**
   * The targets start empty (a rebuild's fresh generations): a subject never seen is folded from the empty state
   * without reading Redis. Safe even if wrong, since the write is guarded: a conflict makes the subject read next time.
   */
  freshTargets?: boolean;
  /**
   * The targets have no readers until a switch-over (a rebuild's generations): the first fold of a flush sends its
   * writes as it goes, this many partnerships at a time, so what a flush has written does not wait in memory for the
   * rest (see `foldByKey`). Absent: each model's writes go in one call per flush, so a reader sees a flush whole.
   */
  writeEvery?: number;
}

const MAX_ATTEMPTS = 10;

interface ModelCache {
  generation: string | null;
  states: Map<string, SubjectState>;
  /** With fresh targets: subjects whose state is no longer in memory (evicted or conflicted), so must be read. */
  mustLoad: Set<string>;
}

/** One fold of a flush: a pass and its result per model, and the poison its decoding found. */
interface Folded {
  passes: Pass[];
  folds: FoldResult[];
  poison: Poison[];
}

/** A first fold that wrote as it went: its poison, the models to fold again, and per model the partnerships already written. */
interface WrittenAsFolded {
  poison: Poison[];
  retry: CompiledProjection[];
  written: ReadonlyMap<string, ReadonlySet<string>>;
}

/** A flush decoded in log order. */
interface DecodedFlush {
  events: PositionedEvent[];
  poison: Poison[];
}

/** Batches added but not yet in Redis. */
class Pending {
  readonly consumed: Consumed[] = [];
  readonly batches: BatchSummary[] = [];
  /** Per `topic:partition`: the first offset held and the next offset after the last one. */
  readonly partitions = new Map<string, { topic: string; partition: number; first: string; next: string }>();
  messages = 0;
  since = 0;
}

/**
 * Applies batches to Redis. Batches are kept as they arrive (`add`), then decoded, folded and written together
 * (`flush`, see `applyAll`): per flush one
 * pipelined read (only for subjects not in the cache) and one pipelined write, each model's write one atomic script
 * guarded by the subjects' sequences. The more events of one partnership a flush carries, the cheaper each event (a
 * doc is serialised and written once per flush, not once per event), so a consumer that is behind buffers several
 * batches before flushing. A flush resolves once Redis (and the dead-letter topic) have everything it covers; only
 * then may the caller commit the offsets it returns.
 */
export class BatchProcessor {
  private readonly caches = new Map<string, ModelCache>();
  private readonly cacheSize: number;
  private buffer = new Pending();
  /** Partitions to be read again from this offset after a failed flush. */
  private readonly rewound = new Map<string, bigint>();
  private flushing: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: BatchProcessorOptions) {
    this.cacheSize = opts.cacheSize ?? 50_000;
    if (opts.writeEvery !== undefined && !(Number.isSafeInteger(opts.writeEvery) && opts.writeEvery > 0)) {
      throw new ProjectionError(
        `writeEvery is ${opts.writeEvery}: it takes a whole number of partnerships from 1 (or leave it out to write each model's flush in one call)`,
      );
    }
    for (const m of opts.models) this.caches.set(m.name, { generation: null, states: new Map(), mustLoad: new Set() });
  }

  /** Messages added and not yet flushed. */
  get buffered(): number {
    return this.buffer.messages;
  }

  /** When the oldest unflushed batch was added (ms since the epoch), or null if nothing waits. */
  get bufferedSince(): number | null {
    return this.buffer.messages === 0 ? null : this.buffer.since;
  }

  /**
   * Adds a batch to the buffer, as it is (decoded at the flush). Writes nothing. Returns false (and ignores the batch)
   * if it starts past where its partition must be read again after a failed flush.
   */
  add(batch: MessageBatch): boolean {
    const { topic, partition, messages } = batch;
    const last = messages[messages.length - 1];
    const first = messages[0];
    if (last === undefined || first === undefined) return false;
    const field = offsetField(topic, partition);
    const rewound = this.rewound.get(field);
    if (rewound !== undefined) {
      if (BigInt(first.offset) > rewound) return false;
      this.rewound.delete(field);
    }
    const buffer = this.buffer;
    for (const message of messages) buffer.consumed.push({ topic, partition, message, key: message.key ? message.key.toString('utf8') : null });
    const next = (BigInt(last.offset) + 1n).toString();
    const known = buffer.partitions.get(field);
    if (known === undefined) buffer.partitions.set(field, { topic, partition, first: first.offset, next });
    else known.next = next;
    if (buffer.messages === 0) buffer.since = Date.now();
    buffer.messages += messages.length;
    const lag = BigInt(batch.highWatermark) - BigInt(last.offset) - 1n;
    buffer.batches.push({ topic, partition, firstOffset: first.offset, lastOffset: last.offset, messages: messages.length, lag: Number(lag > 0n ? lag : 0n) });
    return true;
  }

  /**
   * Writes everything added so far: the dead-letter topic gets the poison, Redis the folds and each partition's next
   * offset. Flushes run one at a time, in order; batches added during one go to the next. If a flush fails it throws a
   * `FlushFailed` naming, per partition, the first offset not in Redis: everything buffered is dropped, later batches
   * of those partitions are ignored until one starts there, and the caller must seek back to it.
   */
  flush(): Promise<Flushed> {
    const run = this.flushing.then(() => this.flushBuffer());
    this.flushing = run.catch(() => undefined);
    return run;
  }

  private async flushBuffer(): Promise<Flushed> {
    const buffer = this.buffer;
    this.buffer = new Pending();
    if (buffer.messages === 0) return { offsets: [], batches: [], events: 0 };
    const offsets: Array<[string, string]> = [...buffer.partitions].map(([field, p]) => [field, p.next]);
    try {
      await this.applyAll(buffer.consumed, offsets);
    } catch (e) {
      // Whatever reached Redis is guarded by sequences: reading it all again from the first offset is harmless.
      const replayFrom = new Map<string, PartitionOffset>();
      for (const pending of [buffer, this.buffer]) {
        for (const [field, p] of pending.partitions) {
          const known = replayFrom.get(field);
          if (known === undefined || BigInt(p.first) < BigInt(known.offset)) replayFrom.set(field, { topic: p.topic, partition: p.partition, offset: p.first });
        }
      }
      this.buffer = new Pending();
      for (const [field, p] of replayFrom) this.rewound.set(field, BigInt(p.offset));
      throw new FlushFailed([...replayFrom.values()], e);
    }
    this.opts.metrics.flushes += 1;
    for (const b of buffer.batches) this.opts.metrics.batch(offsetField(b.topic, b.partition), b.messages, b.lag);
    return {
      offsets: [...buffer.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition, offset: p.next })),
      batches: buffer.batches,
      events: buffer.messages,
    };
  }

  /**
   * Decodes, folds and writes what a flush covers; poison goes to the dead-letter topic meanwhile. Events are decoded
   * a partnership at a time, grouped by message key, and folded through every read model at once, so a decoded event
   * is garbage before the next partnership's are read (events decoded as they arrive would wait for the flush long
   * enough for the collector to copy them to the old generation). The key is what the producer keys a partnership's
   * events by; if a message has no key, or an event's subject is not its key, the flush decodes everything in log
   * order first and groups by subject instead (`decodeAll`), and so do passes folded again after a conflict.
   */
  private async applyAll(consumed: readonly Consumed[], offsets: Array<[string, string]>): Promise<void> {
    let pending: readonly CompiledProjection[] = this.opts.models;
    let decoded: DecodedFlush | null = null;
    // Per model, the partnerships the first fold has already written (when it writes as it folds): not folded again.
    let written: ReadonlyMap<string, ReadonlySet<string>> = new Map();
    // Settles with the dead-letter send's error, if any (a handler from the start: it may fail while Redis is written).
    let sending: Promise<Error | undefined> = Promise.resolve(undefined);
    try {
      // The poison of a flush is reported and dead-lettered once, from the first fold that decoded all of it.
      const deadLetter = (poison: readonly Poison[]) => {
        this.report(poison);
        if (this.opts.deadLetter !== undefined)
          sending = this.opts.deadLetter.send(poison).then(
            () => undefined,
            (e: unknown) => (e instanceof Error ? e : new Error(`the dead-letter send failed: ${String(e)}`)),
          );
      };
      for (let attempt = 1; pending.length > 0; attempt += 1) {
        if (attempt > MAX_ATTEMPTS) {
          throw new Error(`read models ${pending.map((m) => m.name).join(', ')} kept conflicting with another writer after ${MAX_ATTEMPTS} attempts`);
        }
        let folded: Folded | null = null;
        if (attempt === 1) {
          const first = await this.foldByKey(pending, consumed, offsets);
          if (first !== null && 'retry' in first) {
            deadLetter(first.poison);
            pending = first.retry;
            written = first.written;
            continue;
          }
          folded = first;
        }
        if (folded === null) {
          decoded ??= this.decodeAll(consumed);
          folded = await this.foldDecoded(pending, decoded, written);
        }
        if (attempt === 1) deadLetter([...folded.poison, ...foldPoison(consumed, folded.folds)]);
        const { passes, folds } = folded;
        const results = await this.opts.store.apply(
          passes.map((p, i) => ({
            model: p.model.name,
            target: this.opts.target(p.model.name),
            expectGeneration: p.generation,
            changes: (folds[i] as FoldResult).changes,
            offsets,
          })),
        );
        const retry: CompiledProjection[] = [];
        results.forEach((result, i) => {
          const pass = passes[i] as Pass;
          const fold = folds[i] as FoldResult;
          if (this.applied(pass.model, fold.states.keys(), fold.states, result)) this.record(pass.model.name, fold);
          else retry.push(pass.model);
        });
        pending = retry;
      }
    } catch (e) {
      // A failed write still waits for the dead-letter send it started.
      await sending;
      throw e;
    }
    // The flush is durable only once the dead-letter topic has its poison too.
    const failed = await sending;
    if (failed !== undefined) throw failed;
  }

  /**
   * The first fold of a flush, a partnership at a time by message key (see `applyAll`); null if some message has no
   * key or an event's subject is not its key, before anything is cached or written.
   *
   * With `writeEvery`, it writes as it goes instead: every `writeEvery` partnerships, each model's writes for them go
   * in one call (atomic, and guarded by their sequences as any write), and a model's partition offsets follow once all
   * its calls have gone through. It returns the poison, the models to fold again (a write was refused), and per model
   * the partnerships written, which the next fold leaves out; what was written is counted in the metrics. A key that
   * does not match its events stops it: what it has written stays (guarded, and cached), and it returns null, so the
   * whole flush is folded again in log order, counting those events as duplicates.
   */
  private async foldByKey(
    models: readonly CompiledProjection[],
    consumed: readonly Consumed[],
    offsets: ReadonlyArray<readonly [string, string]>,
  ): Promise<Folded | WrittenAsFolded | null> {
    const byKey = new Map<string, Consumed[]>();
    for (const c of consumed) {
      if (c.key === null) return null;
      const list = byKey.get(c.key);
      if (list === undefined) byKey.set(c.key, [c]);
      else list.push(c);
    }
    const subjects = [...byKey.keys()];
    const passes = await Promise.all(models.map((model) => this.prepare(model, subjects)));
    const folds = passes.map(emptyResult);
    const poison: Poison[] = [];
    const every = this.opts.writeEvery;
    const writes = every === undefined ? null : new ChunkWriter(this.opts.store, passes, (m) => this.opts.target(m));
    let mismatch = false;
    for (const [key, list] of byKey) {
      const events: PositionedEvent[] = [];
      for (const c of list) {
        const event = this.decodeOne(c, poison);
        if (event === null) continue;
        if (event.event.subject !== key) {
          mismatch = true;
          break;
        }
        events.push(event);
      }
      if (mismatch) break;
      if (events.length > 0) foldSubjectThrough(passes, key, events, folds);
      if (writes !== null && writes.add(key) >= (every as number)) writes.send(folds);
    }
    if (writes === null) return mismatch ? null : { passes, folds, poison };
    writes.send(folds);
    poison.push(...foldPoison(consumed, folds));
    // Every send is awaited before anything else (even after a mismatch), so the cache matches what Redis has.
    const chunks = await writes.chunks();
    const written = passes.map(() => new Set<string>());
    const refused = new Set<string>();
    // After a switch-over what went through is in a generation nobody reads: none of it counts, all is folded again.
    const moved = new Set<string>();
    const counted = passes.map(emptyResult);
    for (const chunk of chunks) {
      passes.forEach((pass, i) => {
        const result = chunk.results[i] ?? { status: 'ok', generation: pass.generation };
        if (!this.applied(pass.model, chunk.subjects, (folds[i] as FoldResult).states, result)) {
          refused.add(pass.model.name);
          if (result.status === 'moved') moved.add(pass.model.name);
          return;
        }
        addCounts(counted[i] as FoldResult, chunk.counts[i] as Counts);
        for (const subject of chunk.subjects) (written[i] as Set<string>).add(subject);
      });
    }
    if (mismatch) return null;
    const finished = passes.filter((p) => !refused.has(p.model.name));
    const results = await this.opts.store.apply(
      finished.map((p) => ({ model: p.model.name, target: this.opts.target(p.model.name), expectGeneration: p.generation, changes: [], offsets })),
    );
    const retry = new Set(refused);
    results.forEach((result, k) => {
      const pass = finished[k] as Pass;
      if (!this.applied(pass.model, [], new Map(), result)) {
        retry.add(pass.model.name);
        if (result.status === 'moved') moved.add(pass.model.name);
      }
    });
    const done = new Map<string, Set<string>>();
    passes.forEach((pass, i) => {
      if (moved.has(pass.model.name)) return;
      // What went through is counted, even for a model folded again (its fold skips what went through).
      this.record(pass.model.name, counted[i] as FoldResult);
      done.set(pass.model.name, written[i] as Set<string>);
    });
    return { poison, retry: models.filter((m) => retry.has(m.name)), written: done };
  }

  /**
   * Takes in the outcome of a model's write: if it went through, the cache keeps the new state of `subjects` (when it
   * is the generation written); if not, the cache forgets what the write conflicted on (or everything, after a
   * switch-over) and it returns false, to fold the model again.
   */
  private applied(model: CompiledProjection, subjects: Iterable<string>, states: ReadonlyMap<string, SubjectState>, result: ApplyResult): boolean {
    const cache = this.caches.get(model.name) as ModelCache;
    if (result.status === 'ok') {
      if (cache.generation === result.generation) {
        for (const subject of subjects) {
          const state = states.get(subject);
          if (state !== undefined) this.remember(cache, subject, state);
        }
      }
      return true;
    }
    this.opts.metrics.model(model.name).conflicts += 1;
    if (result.status === 'conflict') {
      for (const s of result.subjects) {
        cache.states.delete(s);
        cache.mustLoad.add(s);
      }
    } else {
      cache.generation = null;
      cache.states.clear();
    }
    return false;
  }

  /** Folds decoded events: most read models follow the same streams, so events are selected and grouped once per set of streams. */
  private async foldDecoded(models: readonly CompiledProjection[], decoded: DecodedFlush, written: ReadonlyMap<string, ReadonlySet<string>>): Promise<Folded> {
    const selections = new Map<string, SubjectGroups>();
    const passes = await Promise.all(
      models.map(async (model) => {
        const key = [...model.streams].sort().join('\n');
        let groups = selections.get(key);
        if (groups === undefined) {
          groups = groupBySubject(decoded.events.filter((e) => model.streams.has(e.stream)));
          selections.set(key, groups);
        }
        const done = written.get(model.name);
        if (done !== undefined && done.size > 0) groups = new Map([...groups].filter(([subject]) => !done.has(subject)));
        return { ...(await this.prepare(model, [...groups.keys()])), groups };
      }),
    );
    return { passes, folds: foldPasses(passes), poison: decoded.poison };
  }

  /** Every message decoded, in log order. */
  private decodeAll(consumed: readonly Consumed[]): DecodedFlush {
    const poison: Poison[] = [];
    const events: PositionedEvent[] = [];
    for (const c of consumed) {
      const event = this.decodeOne(c, poison);
      if (event !== null) events.push(event);
    }
    return { events, poison };
  }

  /** One message decoded, or null (and its poison noted). */
  private decodeOne(c: Consumed, poison: Poison[]): PositionedEvent | null {
    const decoded = this.opts.decode(c.message.value);
    if (decoded.ok) return { event: decoded.event, stream: decoded.spec.stream, position: `${c.topic}:${c.partition}@${c.message.offset}` };
    poison.push({
      topic: c.topic,
      partition: c.partition,
      message: c.message,
      reason: decoded.reason,
      detail: decoded.detail,
      subject: decoded.subject,
      sequence: decoded.sequence,
    });
    return null;
  }

  /** Counts and logs a flush's poison (once, whichever fold decoded it). */
  private report(poison: readonly Poison[]): void {
    for (const p of poison) {
      this.opts.metrics.poison(p.reason);
      const who = p.subject === undefined ? '' : ` (${p.subject}/${p.sequence})`;
      this.opts.log(
        `${this.opts.deadLetter ? 'dead-lettered' : 'skipped poison'} ${p.topic}[${p.partition}]@${p.message.offset}${who}: ${p.reason}: ${p.detail}`,
      );
    }
  }

  /** The states a pass folds against: cached ones, the rest read in one script call. */
  private async prepare(model: CompiledProjection, subjects: readonly string[]): Promise<Pass> {
    const cache = this.caches.get(model.name) as ModelCache;
    const target = this.opts.target(model.name);
    if (target.kind === 'generation' && cache.generation !== target.generation) {
      cache.generation = target.generation;
      cache.states.clear();
    }
    let missing = cache.generation === null ? subjects : subjects.filter((s) => !cache.states.has(s));
    const states = new Map<string, SubjectState>();
    if (this.opts.freshTargets && cache.generation !== null) {
      for (const s of missing) if (!cache.mustLoad.has(s)) states.set(s, EMPTY_STATE);
      missing = missing.filter((s) => cache.mustLoad.has(s));
    }
    if (missing.length > 0 || cache.generation === null) {
      let loaded = await this.opts.store.load(model.name, target, missing);
      if (loaded.generation === '') {
        await this.opts.store.ensureCurrent(model.name, model.version);
        loaded = await this.opts.store.load(model.name, target, missing);
      }
      if (cache.generation !== loaded.generation) {
        // A switch-over happened since the cache was filled: nothing cached belongs to this generation.
        cache.generation = loaded.generation;
        cache.states.clear();
        missing = subjects;
        if (missing.length > loaded.states.size) loaded = await this.opts.store.load(model.name, target, missing);
      }
      for (const [s, state] of loaded.states) {
        states.set(s, state);
        cache.mustLoad.delete(s);
      }
    }
    for (const s of subjects) {
      const cached = cache.states.get(s);
      if (!states.has(s) && cached !== undefined) states.set(s, cached);
    }
    return { model, states, generation: cache.generation };
  }

  private remember(cache: ModelCache, subject: string, state: SubjectState): void {
    cache.states.delete(subject);
    cache.states.set(subject, state);
    if (cache.states.size > this.cacheSize) {
      const oldest = cache.states.keys().next();
      if (!oldest.done) {
        cache.states.delete(oldest.value);
        if (this.opts.freshTargets) cache.mustLoad.add(oldest.value);
      }
    }
  }

  private record(model: string, fold: FoldResult): void {
    const c = this.opts.metrics.model(model);
    c.applied += fold.applied;
    c.duplicates += fold.duplicates;
    c.held += fold.held;
    c.gapsDetected += fold.gapsOpened.length;
    c.gapsClosed += fold.gapsClosed.length;
    for (const g of fold.gapsOpened) {
      this.opts.log(
        `gap in read model "${model}": ${g.subject} expected sequence ${g.expected} but got ${g.received} at ${g.position}; ` +
          `later events of ${g.subject} are held until ${g.subject}/${g.expected} arrives (if it was dead-lettered: fix, then rebuild)`,
      );
    }
    for (const s of fold.gapsClosed) this.opts.log(`gap in read model "${model}" closed: ${s} caught up`);
  }
}

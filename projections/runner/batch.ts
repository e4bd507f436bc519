import type { KafkaMessage } from 'kafkajs';
import type { DeadLetterSink, Poison } from './dead-letter';
import type { Decoded } from './decode';
import { EMPTY_STATE, foldEvents, type FoldResult, type PositionedEvent, type SubjectState } from './fold';
import { offsetField } from './keys';
import type { RunnerMetrics } from './metrics';
import type { CompiledProjection } from './projection';
import type { ReadModelStore, Target } from './store';

/** The part of a kafkajs batch the processor needs. */
export interface MessageBatch {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: KafkaMessage[];
}

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
}

const MAX_ATTEMPTS = 10;

interface ModelCache {
  generation: string | null;
  states: Map<string, SubjectState>;
  /** With fresh targets: subjects whose state is no longer in memory (evicted or conflicted), so must be read. */
  mustLoad: Set<string>;
}

interface Pass {
  model: CompiledProjection;
  events: PositionedEvent[];
  subjects: string[];
  states: Map<string, SubjectState>;
  generation: string;
}

/**
 * Applies batches to Redis: per batch one pipelined read (only for subjects not in the cache) and one pipelined write,
 * each model's write one atomic script guarded by the subjects' sequences. Resolves once Redis (and the dead-letter
 * topic) have the whole batch; only then may the caller commit its offset.
 */
export class BatchProcessor {
  private readonly caches = new Map<string, ModelCache>();
  private readonly cacheSize: number;

  constructor(private readonly opts: BatchProcessorOptions) {
    this.cacheSize = opts.cacheSize ?? 50_000;
    for (const m of opts.models) this.caches.set(m.name, { generation: null, states: new Map(), mustLoad: new Set() });
  }

  async process(batch: MessageBatch): Promise<void> {
    const { topic, partition, messages } = batch;
    const last = messages[messages.length - 1];
    if (last === undefined) return;
    const events: PositionedEvent[] = [];
    const poison: Poison[] = [];
    for (const message of messages) {
      const decoded = this.opts.decode(message.value);
      if (decoded.ok) {
        events.push({ event: decoded.event, stream: decoded.spec.stream, position: `${topic}:${partition}@${message.offset}` });
      } else {
        poison.push({ topic, partition, message, reason: decoded.reason, detail: decoded.detail });
        this.opts.metrics.poison(decoded.reason);
        const who = decoded.subject === undefined ? '' : ` (${decoded.subject}/${decoded.sequence})`;
        this.opts.log(
          `${this.opts.deadLetter ? 'dead-lettered' : 'skipped poison'} ${topic}[${partition}]@${message.offset}${who}: ${decoded.reason}: ${decoded.detail}`,
        );
      }
    }
    const offsets: Array<[string, string]> = [[offsetField(topic, partition), (BigInt(last.offset) + 1n).toString()]];
    await Promise.all([this.opts.deadLetter?.send(poison), this.applyAll(events, offsets)]);
    const lag = BigInt(batch.highWatermark) - BigInt(last.offset) - 1n;
    this.opts.metrics.batch(offsetField(topic, partition), messages.length, Number(lag > 0n ? lag : 0n));
  }

  private async applyAll(events: PositionedEvent[], offsets: Array<[string, string]>): Promise<void> {
    // Most read models follow the same streams: select their events and subjects once per set of streams, not per model.
    const selections = new Map<string, { events: PositionedEvent[]; subjects: string[] }>();
    let pending = this.opts.models.map((model) => {
      const key = [...model.streams].sort().join('\n');
      let selected = selections.get(key);
      if (selected === undefined) {
        const relevant = events.filter((e) => model.streams.has(e.stream));
        const subjects = new Set<string>();
        for (const e of relevant) subjects.add(e.event.subject);
        selected = { events: relevant, subjects: [...subjects] };
        selections.set(key, selected);
      }
      return { model, events: selected.events, subjects: selected.subjects };
    });
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      if (attempt > MAX_ATTEMPTS) {
        throw new Error(`read models ${pending.map((p) => p.model.name).join(', ')} kept conflicting with another writer after ${MAX_ATTEMPTS} attempts`);
      }
      const passes = await Promise.all(pending.map((p) => this.prepare(p)));
      const folds: FoldResult[] = passes.map((p) => foldEvents(p.model, p.states, p.events));
      const results = await this.opts.store.apply(
        passes.map((p, i) => ({
          model: p.model.name,
          target: this.opts.target(p.model.name),
          expectGeneration: p.generation,
          changes: (folds[i] as FoldResult).changes,
          offsets,
        })),
      );
      const retry: typeof pending = [];
      results.forEach((result, i) => {
        const pass = passes[i] as Pass;
        const fold = folds[i] as FoldResult;
        const cache = this.caches.get(pass.model.name) as ModelCache;
        if (result.status === 'ok') {
          if (cache.generation === result.generation) for (const [subject, state] of fold.states) this.remember(cache, subject, state);
          this.record(pass.model.name, fold);
          return;
        }
        this.opts.metrics.model(pass.model.name).conflicts += 1;
        if (result.status === 'conflict') {
          for (const s of result.subjects) {
            cache.states.delete(s);
            cache.mustLoad.add(s);
          }
        } else {
          cache.generation = null;
          cache.states.clear();
        }
        retry.push(pass);
      });
      pending = retry;
    }
  }

  /** The states a pass folds against: cached ones, the rest read in one script call. */
  private async prepare(p: { model: CompiledProjection; events: PositionedEvent[]; subjects: string[] }): Promise<Pass> {
    const cache = this.caches.get(p.model.name) as ModelCache;
    const target = this.opts.target(p.model.name);
    if (target.kind === 'generation' && cache.generation !== target.generation) {
      cache.generation = target.generation;
      cache.states.clear();
    }
    let missing = cache.generation === null ? p.subjects : p.subjects.filter((s) => !cache.states.has(s));
    const states = new Map<string, SubjectState>();
    if (this.opts.freshTargets && cache.generation !== null) {
      for (const s of missing) if (!cache.mustLoad.has(s)) states.set(s, EMPTY_STATE);
      missing = missing.filter((s) => cache.mustLoad.has(s));
    }
    if (missing.length > 0 || cache.generation === null) {
      let loaded = await this.opts.store.load(p.model.name, target, missing);
      if (loaded.generation === '') {
        await this.opts.store.ensureCurrent(p.model.name);
        loaded = await this.opts.store.load(p.model.name, target, missing);
      }
      if (cache.generation !== loaded.generation) {
        // A switch-over happened since the cache was filled: nothing cached belongs to this generation.
        cache.generation = loaded.generation;
        cache.states.clear();
        missing = p.subjects;
        if (missing.length > loaded.states.size) loaded = await this.opts.store.load(p.model.name, target, missing);
      }
      for (const [s, state] of loaded.states) {
        states.set(s, state);
        cache.mustLoad.delete(s);
      }
    }
    for (const s of p.subjects) {
      const cached = cache.states.get(s);
      if (!states.has(s) && cached !== undefined) states.set(s, cached);
    }
    return { ...p, states, generation: cache.generation };
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

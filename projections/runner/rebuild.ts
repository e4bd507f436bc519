import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { PROJECTOR_GROUP, REDIS_PREFIX, TOPICS } from '../../domain/names';
import { BatchProcessor } from './batch';
import { createDecoder, type Validator } from './decode';
import { ProjectionError } from './errors';
import { RunnerMetrics } from './metrics';
import { catalogOf, compileProjection, type Projection } from './projection';
import { ReadModelStore } from './store';

/** Options of a rebuild. */
export interface RebuildOptions {
  kafka: Kafka;
  redis: Redis;
  /** The read models to rebuild. */
  projections: readonly Projection[];
  /** Every read model the projector hosts: decides which event types are known (default: `projections`). */
  known?: readonly Projection[];
  topic?: string;
  keyPrefix?: string;
  validate?: Validator;
  log?: (line: string) => void;
  onProgress?: (progress: RebuildProgress) => void;
  /** Aborting drops the half-built generation and leaves readers where they were. */
  signal?: AbortSignal;
  leaseMs?: number;
  maxBytesPerPartition?: number;
  cacheSize?: number;
  /** Events decoded before they are written to Redis together (more events per partnership per write is cheaper). */
  flushEvents?: number;
}

/** Where a rebuild is. */
export interface RebuildProgress {
  /** Messages replayed so far. */
  done: number;
  /** Messages in the log when the rebuild started, plus any that arrived since. */
  total: number;
  /** Messages still to replay. */
  lag: number;
  /** Messages per second over the last few seconds. */
  rate: number;
  elapsedMs: number;
  phase: 'replaying' | 'switching' | 'dropping' | 'done';
}

/** What a rebuild did per read model. */
export interface RebuildResult {
  models: Array<{ name: string; generation: string; previous: string | null; droppedKeys: number }>;
  events: number;
  poison: number;
  ms: number;
}

const TICK_MS = 200;
/** A buffer this old is flushed even when no batch says so (the end of the log is near, or the log is quiet). */
const FLUSH_AFTER_MS = 1000;

/**
 * Replays the whole log into a fresh generation of each read model while the live runner keeps the current one
 * serving, then switches readers over. The switch is one atomic script that succeeds only once the new generation
 * has read every partition at least as far as the current one, so it already holds everything a reader has seen;
 * until then the rebuild keeps reading. Afterwards the old generation is dropped in batches.
 */
export async function rebuild(opts: RebuildOptions): Promise<RebuildResult> {
  const started = Date.now();
  const log = opts.log ?? ((line: string) => process.stderr.write(`rebuild: ${line}\n`));
  const topic = opts.topic ?? TOPICS.lifecycleEvents;
  const leaseMs = opts.leaseMs ?? 30_000;
  const models = opts.projections.map(compileProjection);
  if (models.length === 0) throw new ProjectionError('nothing to rebuild: no read models given');
  const store = new ReadModelStore(opts.redis, opts.keyPrefix ?? REDIS_PREFIX);
  const metrics = new RunnerMetrics(models.map((m) => m.name));

  const generations = new Map<string, string>();
  try {
    for (const m of models) generations.set(m.name, await store.beginBuild(m.name, leaseMs));
  } catch (e) {
    for (const [name, gen] of generations) await abandon(store, name, gen);
    throw e;
  }
  log(`building ${[...generations].map(([name, gen]) => `${name} generation ${gen}`).join(', ')} from ${topic}`);

  const admin = opts.kafka.admin();
  const groupId = `${PROJECTOR_GROUP}.rebuild.${randomUUID()}`;
  const consumer = opts.kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    // Large batches: a batch costs mostly per subject (see live.ts), so more events per partnership per batch is faster.
    maxBytesPerPartition: opts.maxBytesPerPartition ?? 16 * 1024 * 1024,
    maxBytes: 96 * 1024 * 1024,
    maxWaitTimeInMs: 100,
  });
  const processor = new BatchProcessor({
    store,
    models,
    decode: createDecoder(catalogOf(opts.known ?? opts.projections), opts.validate),
    target: (model) => ({ kind: 'generation', generation: generations.get(model) as string }),
    metrics,
    log,
    cacheSize: opts.cacheSize ?? 500_000,
    freshTargets: true,
  });

  const flushEvents = opts.flushEvents ?? 200_000;
  const position = new Map<number, bigint>();
  // One flush writes to Redis while the next batches are decoded; a second one due meanwhile waits for it.
  let writing: Promise<void> | null = null;
  const flushBehind = async () => {
    if (writing !== null) await writing;
    const current = flush()
      .catch(() => undefined)
      .finally(() => {
        if (writing === current) writing = null;
      });
    writing = current;
  };
  // Only what Redis has counts as read: the switch compares these positions with the end of the log.
  const flush = () =>
    gate.batch(async () => {
      try {
        const flushed = await processor.flush();
        for (const o of flushed.offsets) if (o.topic === topic) position.set(o.partition, BigInt(o.offset));
      } catch (e) {
        // A rebuild does not retry: it fails, and its half-built generation is dropped.
        failure ??= e as Error;
        throw e;
      }
    });
  let failure: Error | undefined;
  // Batches of different partitions run side by side; a switch attempt waits for them and holds new ones back, so
  // it never races the rebuild's own writes.
  const gate = new SwitchGate();

  const switched = new Map<string, string | null>();
  let renewal: NodeJS.Timeout | undefined;
  try {
    await admin.connect();
    const initial = await admin.fetchTopicOffsets(topic);
    const low = new Map(initial.map((p) => [p.partition, BigInt(p.low)]));
    let high = new Map(initial.map((p) => [p.partition, BigInt(p.high)]));
    const sum = (f: (partition: number) => bigint) => Number([...high.keys()].reduce((acc, p) => acc + f(p), 0n));
    const positionOf = (p: number) => position.get(p) ?? low.get(p) ?? 0n;

    renewal = setInterval(() => {
      void Promise.all([...generations].map(([name, gen]) => store.renewBuild(name, gen, leaseMs)))
        .then((held) => {
          if (held.includes(false)) failure ??= new ProjectionError('the rebuild lost its lease (another rebuild took over after a stall); its generation is dropped');
        })
        .catch((e: unknown) => (failure ??= e as Error));
    }, leaseMs / 3);

    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) failure ??= payload.error;
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 6,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        if (!isRunning() || isStale()) return;
        const last = batch.messages[batch.messages.length - 1];
        if (last === undefined) return;
        if (!processor.add(batch)) return;
        resolveOffset(last.offset);
        const atEnd = BigInt(last.offset) + 1n >= BigInt(batch.highWatermark);
        if (atEnd || processor.buffered >= flushEvents) await flushBehind();
        await heartbeat();
      },
    });

    const progress = (phase: RebuildProgress['phase']) => {
      const snap = metrics.snapshot();
      const lag = sum((p) => (high.get(p) as bigint) > positionOf(p) ? (high.get(p) as bigint) - positionOf(p) : 0n);
      opts.onProgress?.({ done: snap.consumed, total: snap.consumed + lag, lag, rate: snap.rate, elapsedMs: Date.now() - started, phase });
    };

    while (switched.size < models.length) {
      if (opts.signal?.aborted) throw new ProjectionError('rebuild aborted; the half-built generation is dropped and readers stay where they were');
      if (failure) throw failure;
      await sleep(TICK_MS);
      const since = processor.bufferedSince;
      if (since !== null && Date.now() - since >= FLUSH_AFTER_MS) await flush();
      high = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
      const caughtUp = [...high].every(([p, h]) => positionOf(p) >= h);
      progress(caughtUp ? 'switching' : 'replaying');
      if (!caughtUp) continue;
      await gate.exclusive(async () => {
        for (const m of models) {
          if (switched.has(m.name)) continue;
          const gen = generations.get(m.name) as string;
          const outcome = await store.switchTo(m.name, gen, topic);
          if (outcome.status === 'switched') {
            switched.set(m.name, outcome.previous);
            log(`switched readers of ${m.name} to generation ${gen}${outcome.previous ? ` (was ${outcome.previous})` : ''}`);
          } else if (outcome.status === 'lost') {
            throw new ProjectionError(`the rebuild of ${m.name} lost its lease to generation ${outcome.holder || '(none)'}`);
          } else {
            // Usually the live runner applied events after our last look at the end of the log: keep reading. But the
            // current generation cannot have read past the end of the topic unless the topic was recreated.
            const current = await store.current(m.name);
            const theirs = current === null ? {} : await store.offsets(m.name, current);
            const past = outcome.partitions.filter((f) => BigInt(theirs[f] ?? '0') > (high.get(Number(f.slice(f.lastIndexOf(':') + 1))) ?? 0n));
            if (past.length > 0) {
              throw new ProjectionError(
                `the current generation of ${m.name} has read past the end of ${past.join(', ')} (was the topic recreated?); it cannot be replaced safely`,
              );
            }
          }
        }
      });
    }
    clearInterval(renewal);
    await consumer.disconnect();
    await admin.deleteGroups([groupId]).catch(() => undefined);
    progress('dropping');

    const results: RebuildResult['models'] = [];
    for (const m of models) {
      const previous = switched.get(m.name) ?? null;
      let droppedKeys = 0;
      if (previous !== null) droppedKeys += await store.dropGeneration(m.name, previous);
      for (const stale of await store.dropStaleGenerations(m.name)) log(`dropped stale generation ${stale} of ${m.name}`);
      results.push({ name: m.name, generation: generations.get(m.name) as string, previous, droppedKeys });
    }
    progress('done');
    const snap = metrics.snapshot();
    return { models: results, events: snap.consumed, poison: snap.deadLetteredTotal, ms: Date.now() - started };
  } catch (e) {
    clearInterval(renewal);
    await consumer.disconnect().catch(() => undefined);
    await admin.deleteGroups([groupId]).catch(() => undefined);
    for (const [name, gen] of generations) if (!switched.has(name)) await abandon(store, name, gen);
    throw e;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function abandon(store: ReadModelStore, model: string, generation: string): Promise<void> {
  await store.abandonBuild(model, generation);
  await store.dropGeneration(model, generation).catch(() => undefined);
}

/** Many batches at once, or one switch attempt alone. */
class SwitchGate {
  private active = 0;
  private switching: Promise<void> | null = null;
  private idle: (() => void) | null = null;

  async batch<T>(fn: () => Promise<T>): Promise<T> {
    while (this.switching !== null) await this.switching;
    this.active += 1;
    try {
      return await fn();
    } finally {
      this.active -= 1;
      if (this.active === 0) this.idle?.();
    }
  }

  async exclusive(fn: () => Promise<void>): Promise<void> {
    let release!: () => void;
    this.switching = new Promise<void>((resolve) => (release = resolve));
    try {
      if (this.active > 0) await new Promise<void>((resolve) => (this.idle = resolve));
      this.idle = null;
      await fn();
    } finally {
      this.switching = null;
      release();
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

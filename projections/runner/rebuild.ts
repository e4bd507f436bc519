import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { PROJECTOR_GROUP, REDIS_PREFIX, TOPICS } from '../../domain/names';
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { Config } from '../../platform/config';
import { startProjectWorker } from '../../platform/threads';
import type { PoisonReason } from './decode';
import { ProjectionError } from './errors';
import { RunnerMetrics } from './metrics';
import { compileProjection, type Projection } from './projection';
import type { FromReplayer, ReplayerData, ToReplayer } from './replayer';
import { ReadModelStore } from './store';
import { FOLDING_YOUNG_GENERATION_MB } from './young-generation';

/** Options of a rebuild. */
/**
 * Read models handed to the runner, with the entry module of a rebuild's replaying thread: a thread cannot be handed
 * objects, so its entry registers the same read models (`runReplayerThread`) and the rebuild names them.
 */
export interface ReadModelRegistry {
  models: readonly Projection[];
  /** Path (without extension) of a module that calls `runReplayerThread(models)`. */
  threadEntry: string;
}

export interface RebuildOptions {
  kafka: Kafka;
  redis: Redis;
  /** The read models to rebuild. */
  projections: readonly Projection[];
  /** Every read model a replaying thread can be asked for, and the module that starts such a thread with them. */
  registry: ReadModelRegistry;
  /** Every read model the projector hosts: decides which event types are known (default: `projections`). */
  known?: readonly Projection[];
  topic?: string;
  keyPrefix?: string;
  log?: (line: string) => void;
  onProgress?: (progress: RebuildProgress) => void;
  /** Aborting drops the half-built generation and leaves readers where they were. */
  signal?: AbortSignal;
  leaseMs?: number;
  maxBytesPerPartition?: number;
  cacheSize?: number;
  /** Events decoded before they are written to Redis together (more events per partnership per write is cheaper). */
  flushEvents?: number;
  /** Partnerships per write while a flush folds (default 250; see `BatchProcessorOptions.writeEvery`). */
  writeEvery?: number;
  /** Threads replaying the log side by side, each folding its own partitions (default: one per core, up to 4). */
  workers?: number;
  /**
   * How the replaying threads connect to Kafka and Redis (they cannot share this thread's clients); default: the
   * process's configuration, from the environment.
   */
  config?: Config;
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
/**
 * Partnerships per write while a flush folds: small enough that what a flush writes dies young, large enough that
 * index writes to shared keys still merge. Measured on a kept topic (projections/README.md): a rebuild of 1,000,000
 * events at 57,000–61,400 events/s with 250, 52,300–56,300 writing each model's flush in one call.
 */
const WRITE_EVERY = 250;
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
  for (const p of [...opts.projections, ...(opts.known ?? [])]) {
    if (opts.registry.models.find((m) => m.name === p.name) !== p) {
      throw new ProjectionError(`read model "${p.name}" is not one of the registered read models: the replaying threads know read models by name`);
    }
  }
  const store = new ReadModelStore(opts.redis, opts.keyPrefix ?? REDIS_PREFIX);
  const metrics = new RunnerMetrics(models.map((m) => m.name));

  const admin = opts.kafka.admin();
  const generations = new Map<string, string>();
  try {
    await admin.connect();
    // Before anything is recorded: without the log there is nothing to rebuild from.
    if (!(await admin.listTopics()).includes(topic)) {
      throw new ProjectionError(
        `the topic "${topic}" does not exist on this Kafka cluster, so there is no log to rebuild from; check KAFKA_BROKERS (or --topic), or start the stack once to create it`,
      );
    }
    for (const m of models) generations.set(m.name, await store.beginBuild(m.name, leaseMs, m.version));
  } catch (e) {
    for (const [name, gen] of generations) await abandon(store, name, gen);
    await admin.disconnect().catch(() => undefined);
    throw e;
  }
  log(`building ${[...generations].map(([name, gen]) => `${name} generation ${gen}`).join(', ')} from ${topic}`);

  const groupId = `${PROJECTOR_GROUP}.rebuild.${randomUUID()}`;
  const position = new Map<number, bigint>();
  let failure: Error | undefined;
  const switched = new Map<string, string | null>();
  let renewal: NodeJS.Timeout | undefined;
  let replayers: Replayers | undefined;
  try {
    const initial = await admin.fetchTopicOffsets(topic);
    const low = new Map(initial.map((p) => [p.partition, BigInt(p.low)]));
    let high = new Map(initial.map((p) => [p.partition, BigInt(p.high)]));
    const sum = (f: (partition: number) => bigint) => Number([...high.keys()].reduce((acc, p) => acc + f(p), 0n));
    const positionOf = (p: number) => position.get(p) ?? low.get(p) ?? 0n;

    renewal = setInterval(() => {
      void Promise.all([...generations].map(([name, gen]) => store.renewBuild(name, gen, leaseMs)))
        .then((held) => {
          if (held.includes(false))
            failure ??= new ProjectionError('the rebuild lost its lease (another rebuild took over after a stall); its generation is dropped');
        })
        .catch((e: unknown) => (failure ??= e as Error));
    }, leaseMs / 3);

    // The replaying threads share one consumer group, so each folds its own partitions; there is no use for more
    // threads than partitions.
    const threads = Math.max(1, Math.min(opts.workers ?? defaultWorkers(), initial.length));
    const partitions = initial.map((p) => p.partition).sort((a, b) => a - b);
    replayers = new Replayers(
      opts.registry.threadEntry,
      threads,
      (i) => ({
        config: opts.config,
        models: models.map((m) => m.name),
        known: (opts.known ?? opts.projections).map((p) => p.name),
        topic,
        partitions: partitions.filter((_, k) => k % threads === i),
        keyPrefix: opts.keyPrefix ?? REDIS_PREFIX,
        groupId: `${groupId}.${i}`,
        generations: Object.fromEntries(generations),
        maxBytesPerPartition: opts.maxBytesPerPartition ?? 16 * 1024 * 1024,
        cacheSize: opts.cacheSize ?? 500_000,
        flushEvents: opts.flushEvents ?? 100_000,
        writeEvery: opts.writeEvery ?? WRITE_EVERY,
        flushAfterMs: FLUSH_AFTER_MS,
      }),
      (flushed) => {
        // Only what Redis has counts as read: the switch compares these positions with the end of the log, and
        // progress counts how far they moved (a partition read again after a crashed consumer counts once).
        let advanced = 0n;
        for (const o of flushed.offsets) {
          const at = BigInt(o.offset);
          const before = positionOf(o.partition);
          if (o.topic === topic && at > before) {
            advanced += at - before;
            position.set(o.partition, at);
          }
        }
        metrics.batch('replayed', Number(advanced), 0);
        for (const [reason, n] of Object.entries(flushed.poison) as Array<[PoisonReason, number]>) for (let i = 0; i < n; i += 1) metrics.poison(reason);
      },
      (e) => (failure ??= e),
    );
    await replayers.ready(() => failure);
    log(`replaying with ${threads} thread${threads === 1 ? '' : 's'}`);

    const progress = (phase: RebuildProgress['phase']) => {
      const snap = metrics.snapshot();
      const lag = sum((p) => ((high.get(p) as bigint) > positionOf(p) ? (high.get(p) as bigint) - positionOf(p) : 0n));
      opts.onProgress?.({ done: snap.consumed, total: snap.consumed + lag, lag, rate: snap.rate, elapsedMs: Date.now() - started, phase });
    };

    while (switched.size < models.length) {
      if (opts.signal?.aborted) throw new ProjectionError('rebuild aborted; the half-built generation is dropped and readers stay where they were');
      if (failure) throw failure;
      await sleep(TICK_MS);
      high = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
      const caughtUp = [...high].every(([p, h]) => positionOf(p) >= h);
      progress(caughtUp ? 'switching' : 'replaying');
      if (!caughtUp) continue;
      await replayers.exclusive(async () => {
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
            // The end is looked up again after reading theirs: under live traffic the runner may have applied events
            // appended since our last look, which the end seen then would count as "past the end".
            const current = await store.current(m.name);
            const theirs = current === null ? {} : await store.offsets(m.name, current);
            const end = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
            const past = outcome.partitions.filter((f) => BigInt(theirs[f] ?? '0') > (end.get(Number(f.slice(f.lastIndexOf(':') + 1))) ?? 0n));
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
    await replayers.stop();
    await admin.deleteGroups(replayers.groups).catch(() => undefined);
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
    await replayers?.stop().catch(() => undefined);
    if (replayers) await admin.deleteGroups(replayers.groups).catch(() => undefined);
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

/** Threads to replay with by default: one per core, up to 4. */
function defaultWorkers(): number {
  return Math.min(4, os.availableParallelism());
}

const STOP_TIMEOUT_MS = 10_000;

/** The replaying threads of one rebuild, and the hold on their writes around a switch-over. */
class Replayers {
  private readonly threads: Array<{ worker: Worker; ready: Promise<void>; held: (() => void) | null; stopped: Promise<void> }> = [];
  private stopping = false;
  /** The consumer groups of the threads (one each). */
  readonly groups: string[] = [];

  constructor(
    threadEntry: string,
    count: number,
    data: (index: number) => ReplayerData,
    onFlushed: (message: Extract<FromReplayer, { t: 'flushed' }>) => void,
    onFailure: (e: Error) => void,
  ) {
    for (let i = 0; i < count; i += 1) {
      const own = data(i);
      this.groups.push(own.groupId);
      const worker = startProjectWorker(threadEntry, {
        workerData: own as unknown as Record<string, unknown>,
        resourceLimits: { maxYoungGenerationSizeMb: FOLDING_YOUNG_GENERATION_MB },
      });
      let markReady!: () => void;
      let markStopped!: () => void;
      const thread = {
        worker,
        ready: new Promise<void>((resolve) => (markReady = resolve)),
        held: null as (() => void) | null,
        stopped: new Promise<void>((resolve) => (markStopped = resolve)),
      };
      worker.on('message', (message: FromReplayer) => {
        if (message.t === 'ready') markReady();
        else if (message.t === 'flushed') onFlushed(message);
        else if (message.t === 'held') thread.held?.();
        else if (message.t === 'failed') onFailure(new ProjectionError(`a replaying thread failed: ${message.message}`));
        else markStopped();
      });
      worker.on('error', (e) => onFailure(e));
      worker.on('exit', (code) => {
        markStopped();
        if (!this.stopping) onFailure(new ProjectionError(`a replaying thread exited (code ${code}) before the rebuild finished`));
      });
      this.threads.push(thread);
    }
  }

  /** Resolves once every thread has joined the group, or throws what `failed` reports first. */
  async ready(failed: () => Error | undefined): Promise<void> {
    const all = Promise.all(this.threads.map((t) => t.ready));
    for (let done = false; !done;) {
      done = await Promise.race([all.then(() => true), sleep(TICK_MS).then(() => false)]);
      const e = failed();
      if (e) throw e;
    }
  }

  /** Runs `fn` while no thread writes: each finishes the flush in hand, then waits until `fn` is done. */
  async exclusive(fn: () => Promise<void>): Promise<void> {
    try {
      await Promise.all(
        this.threads.map(
          (t) =>
            new Promise<void>((resolve) => {
              t.held = resolve;
              t.worker.postMessage({ t: 'hold' } satisfies ToReplayer);
            }),
        ),
      );
      await fn();
    } finally {
      for (const t of this.threads) {
        t.held = null;
        t.worker.postMessage({ t: 'release' } satisfies ToReplayer);
      }
    }
  }

  /** Leaves the group and ends every thread (terminating any that does not stop in time). */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.threads) t.worker.postMessage({ t: 'stop' } satisfies ToReplayer);
    await Promise.race([Promise.all(this.threads.map((t) => t.stopped)), sleep(STOP_TIMEOUT_MS)]);
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

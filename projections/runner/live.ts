import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { PROJECTOR_GROUP, REDIS_PREFIX, TOPICS } from '../../domain/names';
import { BatchProcessor } from './batch';
import { FlushFailed, offsetsByTopic, type BatchSummary, type Flushed, type PartitionOffset } from './flush';
import { OneBehind } from './one-behind';
import { createDeadLetterSink } from './dead-letter';
import { createDecoder, type Validator } from './decode';
import { RunnerMetrics, type MetricsSnapshot } from './metrics';
import { catalogOf, compileProjection, type Projection } from './projection';
import { ReadModelStore } from './store';

/** Options of the live projection runner. */
export interface ProjectorOptions {
  kafka: Kafka;
  redis: Redis;
  /** The read models to keep up to date. */
  projections: readonly Projection[];
  topic?: string;
  deadLetterTopic?: string;
  groupId?: string;
  /** Root of every Redis key (tests and benches use their own). */
  keyPrefix?: string;
  validate?: Validator;
  log?: (line: string) => void;
  /** Partitions processed at once (different partitions never share a subject). */
  partitionsConcurrently?: number;
  maxBytesPerPartition?: number;
  cacheSize?: number;
  /**
   * While behind, batches are decoded and buffered until this many events wait (or `flushAfterMs` passes, or a batch
   * reaches the end of its partition), then written to Redis together: a doc is serialised and written once per flush,
   * so catching up gets cheaper per event. A caught-up projector flushes every batch at once.
   */
  flushEvents?: number;
  flushAfterMs?: number;
  /** kafkajs consumer settings to override (session timeout, fetch sizes…). */
  consumerConfig?: Partial<ConsumerConfig>;
  /** Test seam: runs after Redis has a batch and before its offset is committed. */
  afterApply?: (batch: BatchSummary) => Promise<void>;
}

/** A running projector. */
export interface Projector {
  metrics(): MetricsSnapshot;
  /** Finishes the batch in hand, commits its offset, leaves the group. */
  stop(): Promise<void>;
}

/**
 * Keeps read models up to date from the lifecycle log. A consumer group reads batches; a flush writes the batches
 * buffered so far to Redis (and poison to the dead-letter topic), and only then are their offsets committed, so a
 * crash anywhere re-delivers instead of losing, and the per-subject sequence check turns the re-delivery into a no-op.
 */
export async function startProjector(opts: ProjectorOptions): Promise<Projector> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`projector: ${line}\n`));
  const topic = opts.topic ?? TOPICS.lifecycleEvents;
  const groupId = opts.groupId ?? PROJECTOR_GROUP;
  const models = opts.projections.map(compileProjection);
  const store = new ReadModelStore(opts.redis, opts.keyPrefix ?? REDIS_PREFIX);
  const metrics = new RunnerMetrics(models.map((m) => m.name));
  for (const m of models) {
    const current = await store.ensureCurrent(m.name, m.version);
    const builtBy = await store.builtBy(m.name, current);
    if (builtBy < m.version) {
      log(
        `read model "${m.name}" (generation ${current}) was built by version ${builtBy} of its fold and this projector is version ${m.version}: ` +
          `what the newer version adds is missing until you rebuild it (npm run projections -- rebuild --read-model ${m.name})`,
      );
    }
  }

  const deadLetter = await createDeadLetterSink(opts.kafka, opts.deadLetterTopic ?? TOPICS.deadLetter, groupId);
  const processor = new BatchProcessor({
    store,
    models,
    decode: createDecoder(catalogOf(opts.projections), opts.validate),
    target: () => ({ kind: 'current' }),
    deadLetter,
    metrics,
    log,
    cacheSize: opts.cacheSize,
  });

  const consumer: Consumer = opts.kafka.consumer({
    groupId,
    allowAutoTopicCreation: false,
    // Large fetches when behind: the cost of a flush is mostly per subject (one doc write, one sequence check per read
    // model), so the more events of a partnership it carries, the cheaper each event. A caught-up projector gets small
    // batches anyway.
    maxBytesPerPartition: opts.maxBytesPerPartition ?? 16 * 1024 * 1024,
    maxBytes: 96 * 1024 * 1024,
    maxWaitTimeInMs: 200,
    ...opts.consumerConfig,
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    log(`consumer crashed (${payload.error.message}); ${payload.restart ? 'restarting' : 'not restarting'}`);
  });
  // Which partitions this member folds, after every rebalance (projectors scale out as members of one group).
  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    const mine = payload.memberAssignment[topic] ?? [];
    log(
      `joined group ${groupId}: folding ${mine.length === 0 ? 'no partition' : `partition${mine.length === 1 ? '' : 's'} ${[...mine].sort((x, y) => x - y).join(', ')}`} of ${topic}`,
    );
  });

  const flushEvents = opts.flushEvents ?? 100_000;
  const flushAfterMs = opts.flushAfterMs ?? 500;
  let stopRequested = false;
  // Offsets are committed by hand, and only what a flush returns: Redis has everything below them. Inside eachBatch
  // the commit goes through the batch's own handle, which still commits while the consumer is stopping.
  type Commit = (offsets: PartitionOffset[]) => Promise<void>;
  const commitFromOutside: Commit = (offsets) => consumer.commitOffsets(offsets);
  const commit = async (flushed: Flushed, send: Commit) => {
    if (opts.afterApply) for (const b of flushed.batches) await opts.afterApply(b);
    if (flushed.offsets.length === 0) return;
    try {
      await send(flushed.offsets);
    } catch (e) {
      // Lost the partition in a rebalance, say: its next owner re-reads from the last commit and the sequences make
      // that a no-op. Nothing is lost, some work is repeated.
      log(`committing offsets failed (${(e as Error).message}); the next owner of those partitions re-reads them, harmlessly`);
    }
  };
  const flush = async (send: Commit = commitFromOutside) => {
    try {
      await commit(await processor.flush(), send);
    } catch (e) {
      if (!(e instanceof FlushFailed)) throw e;
      log(e.message);
      // The fetch position already moved past what did not reach Redis: move it back, then give Redis a moment.
      for (const p of e.replayFrom) consumer.seek(p);
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  // While behind, a full buffer is flushed in the background and the next batches are decoded meanwhile.
  const behind = new OneBehind();
  const flushInBackground = () => flush().catch((e: unknown) => log(`flush failed: ${String(e)}`));
  const flushBehind = () => behind.start(flushInBackground);
  const timer = behind.everyAged(processor, flushAfterMs, flushInBackground);

  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: opts.partitionsConcurrently ?? 6,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
        // A batch not yet started when stop() is called is left for the next owner; one in hand is finished.
        if (!isRunning() || isStale()) return;
        const last = batch.messages[batch.messages.length - 1];
        if (last === undefined) return;
        if (!processor.add(batch)) return;
        // Moves the fetch position only: with autoCommit off, nothing is committed until a flush says so.
        resolveOffset(last.offset);
        const atEnd = BigInt(last.offset) + 1n >= BigInt(batch.highWatermark);
        if (atEnd || stopRequested) {
          await behind.settled();
          await flush((offsets) => commitOffsetsIfNecessary(offsetsByTopic(offsets)));
        } else if (processor.buffered >= flushEvents) {
          await flushBehind();
        }
        await heartbeat();
      },
    });
  } catch (e) {
    clearInterval(timer);
    await consumer.disconnect();
    await deadLetter.close();
    throw e;
  }

  let stopping: Promise<void> | undefined;
  return {
    metrics: () => metrics.snapshot(),
    stop: () => {
      stopping ??= (async () => {
        // Flush and commit what is buffered while still a member of the group; a batch in hand flushes itself.
        stopRequested = true;
        clearInterval(timer);
        await behind.settled();
        await flush();
        await consumer.disconnect();
        await deadLetter.close();
      })();
      return stopping;
    },
  };
}

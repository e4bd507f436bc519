import type { Consumer, ConsumerConfig, Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { PROJECTOR_GROUP, REDIS_PREFIX, TOPICS } from '../../domain/names';
import { BatchProcessor, type MessageBatch } from './batch';
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
  /** kafkajs consumer settings to override (session timeout, fetch sizes…). */
  consumerConfig?: Partial<ConsumerConfig>;
  /** Test seam: runs after Redis has a batch and before its offset is resolved. */
  afterApply?: (batch: MessageBatch) => Promise<void>;
}

/** A running projector. */
export interface Projector {
  metrics(): MetricsSnapshot;
  /** Finishes the batch in hand, commits its offset, leaves the group. */
  stop(): Promise<void>;
}

/**
 * Keeps read models up to date from the lifecycle log. A consumer group reads batches; each batch reaches Redis
 * (and poison the dead-letter topic) before its offset is resolved and committed, so a crash anywhere re-delivers
 * instead of losing, and the per-subject sequence check turns the re-delivery into a no-op.
 */
export async function startProjector(opts: ProjectorOptions): Promise<Projector> {
  const log = opts.log ?? ((line: string) => process.stdout.write(`projector: ${line}\n`));
  const topic = opts.topic ?? TOPICS.lifecycleEvents;
  const groupId = opts.groupId ?? PROJECTOR_GROUP;
  const models = opts.projections.map(compileProjection);
  const store = new ReadModelStore(opts.redis, opts.keyPrefix ?? REDIS_PREFIX);
  const metrics = new RunnerMetrics(models.map((m) => m.name));
  for (const m of models) await store.ensureCurrent(m.name);

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
    // Large fetches when behind: the cost of a batch is mostly per subject (one doc write, one sequence check per read
    // model), so the more events of a partnership one batch carries, the cheaper each event. A caught-up projector
    // gets small batches anyway.
    maxBytesPerPartition: opts.maxBytesPerPartition ?? 16 * 1024 * 1024,
    maxBytes: 96 * 1024 * 1024,
    maxWaitTimeInMs: 200,
    ...opts.consumerConfig,
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    log(`consumer crashed (${payload.error.message}); ${payload.restart ? 'restarting' : 'not restarting'}`);
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: opts.partitionsConcurrently ?? 6,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        // A batch not yet started when stop() is called is left for the next owner; one in hand is finished.
        if (!isRunning() || isStale()) return;
        const last = batch.messages[batch.messages.length - 1];
        if (last === undefined) return;
        await processor.process(batch);
        if (opts.afterApply) await opts.afterApply(batch);
        resolveOffset(last.offset);
        await heartbeat();
      },
    });
  } catch (e) {
    await consumer.disconnect();
    await deadLetter.close();
    throw e;
  }

  let stopping: Promise<void> | undefined;
  return {
    metrics: () => metrics.snapshot(),
    stop: () => {
      stopping ??= (async () => {
        await consumer.disconnect();
        await deadLetter.close();
      })();
      return stopping;
    },
  };
}

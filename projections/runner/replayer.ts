import { parentPort, workerData } from 'node:worker_threads';
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';
import { createKafka, createRedis } from '../../platform/clients';
import { loadConfig, type Config } from '../../platform/config';
import { BatchProcessor } from './batch';
import { offsetsByTopic, type PartitionOffset } from './flush';
import { OneBehind } from './one-behind';
import { createDecoder, POISON_REASONS, type PoisonReason } from './decode';
import { RunnerMetrics } from './metrics';
import { catalogOf, compileProjection, type Projection } from './projection';
import { ReadModelStore } from './store';

/*
 * One replaying thread of a rebuild (see rebuild.ts). It joins the rebuild's consumer group, folds the partitions the
 * group gives it into the rebuild's generations, and reports what Redis has. The coordinating thread owns the lease,
 * the progress display and the switch-over; before a switch it asks every thread to hold its writes.
 */

/** What the coordinator tells a replaying thread. */
export type ToReplayer = { t: 'hold' } | { t: 'release' } | { t: 'stop' };

/** What a replaying thread tells the coordinator. */
export type FromReplayer =
  | { t: 'ready' }
  | { t: 'flushed'; offsets: PartitionOffset[]; messages: number; poison: Partial<Record<PoisonReason, number>> }
  | { t: 'held' }
  | { t: 'failed'; message: string }
  | { t: 'stopped' };

/** The thread's configuration (`workerData`). */
export interface ReplayerData {
  /** Connection settings; absent: the process's configuration (environment). */
  config?: Config;
  models: string[];
  known: string[];
  topic: string;
  /** The partitions of `topic` this thread replays (each thread its own, so no rebalancing moves work between them). */
  partitions: number[];
  keyPrefix: string;
  /** A consumer group of this thread alone. */
  groupId: string;
  generations: Record<string, string>;
  maxBytesPerPartition: number;
  cacheSize: number;
  flushEvents: number;
  /** Partnerships per write while a flush folds. */
  writeEvery: number;
  flushAfterMs: number;
}

function post(message: FromReplayer): void {
  parentPort?.postMessage(message);
}

async function main(data: ReplayerData, registered: readonly Projection[]): Promise<void> {
  const readModel = (name: string): Projection => {
    const found = registered.find((m) => m.name === name);
    if (found === undefined) throw new Error(`this thread's entry registers no read model "${name}"`);
    return found;
  };
  const cfg = data.config ?? loadConfig();
  const kafka = createKafka(cfg);
  const redis = createRedis(cfg);
  const models = data.models.map((name) => compileProjection(readModel(name)));
  const metrics = new RunnerMetrics(models.map((m) => m.name));
  const processor = new BatchProcessor({
    store: new ReadModelStore(redis, data.keyPrefix),
    models,
    decode: createDecoder(catalogOf(data.known.map(readModel))),
    target: (model) => ({ kind: 'generation', generation: data.generations[model] as string }),
    metrics,
    // Poison is counted here; the live runner has already dead-lettered it.
    log: () => undefined,
    cacheSize: data.cacheSize,
    freshTargets: true,
    // No reader sees a generation being built: a flush's writes go out as it folds, and die young.
    writeEvery: data.writeEvery,
  });
  const consumer = kafka.consumer({
    groupId: data.groupId,
    allowAutoTopicCreation: false,
    // Large batches: a flush costs mostly per subject (see live.ts), so more events per partnership per flush is faster.
    maxBytesPerPartition: data.maxBytesPerPartition,
    maxBytes: 96 * 1024 * 1024,
    maxWaitTimeInMs: 100,
    partitionAssigners: [ownPartitions(data.topic, data.partitions)],
  });

  // Writes pause while the coordinator switches readers over: a flush in progress finishes first.
  let active = 0;
  let idle: (() => void) | null = null;
  let held: Promise<void> | null = null;
  let release: (() => void) | null = null;
  const poisonSeen = Object.fromEntries(POISON_REASONS.map((r) => [r, 0])) as Record<PoisonReason, number>;

  const flush = async (commit: (offsets: PartitionOffset[]) => Promise<void>) => {
    while (held !== null) await held;
    active += 1;
    try {
      const flushed = await processor.flush();
      if (flushed.offsets.length === 0) return;
      const snap = metrics.snapshot().deadLettered;
      const poison: Partial<Record<PoisonReason, number>> = {};
      for (const r of POISON_REASONS) {
        if (snap[r] > poisonSeen[r]) {
          poison[r] = snap[r] - poisonSeen[r];
          poisonSeen[r] = snap[r];
        }
      }
      post({ t: 'flushed', offsets: flushed.offsets, messages: flushed.events, poison });
      // The group's offsets (this rebuild's own group) only spare a thread that takes over a partition from re-reading it.
      await commit(flushed.offsets).catch(() => undefined);
    } finally {
      active -= 1;
      if (active === 0) idle?.();
    }
  };
  const fail = (e: unknown) => post({ t: 'failed', message: e instanceof Error ? e.message : String(e) });

  const behind = new OneBehind();
  const flushInBackground = () => flush((offsets) => consumer.commitOffsets(offsets)).catch(fail);
  const flushBehind = () => behind.start(flushInBackground);
  const timer = behind.everyAged(processor, data.flushAfterMs, flushInBackground);

  parentPort?.on('message', (message: ToReplayer) => {
    if (message.t === 'hold') {
      held ??= new Promise<void>((resolve) => (release = resolve));
      const report = () => post({ t: 'held' });
      if (active === 0) report();
      else idle = () => ((idle = null), report());
    } else if (message.t === 'release') {
      const r = release;
      held = null;
      release = null;
      r?.();
    } else {
      clearInterval(timer);
      void consumer
        .disconnect()
        .catch(() => undefined)
        .then(() => {
          redis.disconnect();
          post({ t: 'stopped' });
        });
    }
  });

  await consumer.connect();
  await consumer.subscribe({ topic: data.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 6,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }) => {
      if (!isRunning() || isStale()) return;
      const last = batch.messages[batch.messages.length - 1];
      if (last === undefined || !processor.add(batch)) return;
      resolveOffset(last.offset);
      if (BigInt(last.offset) + 1n >= BigInt(batch.highWatermark)) {
        // The end of the partition: write now, the coordinator is waiting for it.
        await behind.settled();
        await flush((offsets) => commitOffsetsIfNecessary(offsetsByTopic(offsets))).catch(fail);
      } else if (processor.buffered >= data.flushEvents) {
        await flushBehind();
      }
      await heartbeat();
    },
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) fail(payload.error);
  });
  post({ t: 'ready' });
}

/** Gives the group's only member exactly the partitions it was handed. */
function ownPartitions(topic: string, partitions: number[]): PartitionAssigner {
  return () => ({
    name: 'PartnerflowRebuildShare',
    version: 0,
    assign: ({ members }) =>
      Promise.resolve(
        members.map((m, i) => ({
          memberId: m.memberId,
          memberAssignment: AssignerProtocol.MemberAssignment.encode({
            version: 0,
            assignment: i === 0 ? { [topic]: partitions } : {},
            userData: Buffer.alloc(0),
          }),
        })),
      ),
    protocol: ({ topics }) => ({
      name: 'PartnerflowRebuildShare',
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
    }),
  });
}

/**
 * Runs a rebuild's replaying thread: called by the thread's entry module (`ReadModelRegistry.threadEntry`) with the
 * read models it registers, which the thread finds by the names the rebuild sends. The runner is written once, for
 * any read models: it is handed them, it never imports them.
 */
export function runReplayerThread(registered: readonly Projection[]): void {
  main(workerData as ReplayerData, registered).catch((e: unknown) => post({ t: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) }));
}

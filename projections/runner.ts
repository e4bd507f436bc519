import type { Consumer, Kafka } from 'kafkajs';
import type { Redis } from 'ioredis';
import { cloudEventSchema } from '../domain/cloudevent';
import { PROJECTOR_GROUP, REDIS_PREFIX, TOPICS } from '../domain/names';

/** Redis key of one event in the event index read model. */
export function eventKey(eventId: string): string {
  return `${REDIS_PREFIX}:event:${eventId}`;
}

export interface ProjectorStats {
  applied: number;
  duplicates: number;
  invalid: number;
}

export interface Projector {
  stats: ProjectorStats;
  stop(): Promise<void>;
}

/**
 * Folds the lifecycle log into Redis. Each batch is written in one pipelined round trip, and offsets are
 * committed only after Redis has the batch, so a crash re-delivers rather than loses; SET NX makes a re-delivery
 * change nothing.
 */
export async function startProjector(opts: {
  kafka: Kafka;
  redis: Redis;
  groupId?: string;
  topic?: string;
  log?: (message: string) => void;
}): Promise<Projector> {
  const log = opts.log ?? ((m: string) => process.stdout.write(`${m}\n`));
  const stats: ProjectorStats = { applied: 0, duplicates: 0, invalid: 0 };
  const consumer: Consumer = opts.kafka.consumer({ groupId: opts.groupId ?? PROJECTOR_GROUP, allowAutoTopicCreation: false });
  await consumer.connect();
  await consumer.subscribe({ topic: opts.topic ?? TOPICS.lifecycleEvents, fromBeginning: true });
  await consumer.run({
    autoCommit: true,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }) => {
      if (!isRunning() || isStale() || batch.messages.length === 0) return;
      const pipeline = opts.redis.pipeline();
      let queued = 0;
      for (const message of batch.messages) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(message.value?.toString('utf8') ?? '');
        } catch {
          parsed = undefined;
        }
        const event = cloudEventSchema.safeParse(parsed);
        if (!event.success) {
          stats.invalid += 1;
          log(`projector: skipped an invalid event at ${batch.topic}[${batch.partition}]@${message.offset}`);
          continue;
        }
        pipeline.set(eventKey(event.data.id), JSON.stringify(event.data), 'NX');
        queued += 1;
      }
      if (queued > 0) {
        const results = (await pipeline.exec()) ?? [];
        for (const [err, reply] of results) {
          if (err) throw err;
          if (reply === 'OK') stats.applied += 1;
          else stats.duplicates += 1;
        }
      }
      const last = batch.messages[batch.messages.length - 1];
      if (last) resolveOffset(last.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    },
  });
  return {
    stats,
    stop: () => consumer.disconnect(),
  };
}

import type { KafkaMessage, Offsets } from 'kafkajs';

/*
 * What a flush of the batch processor takes and gives: batches in, the partitions' next offsets out (only once Redis
 * has everything a flush covers may a consumer commit them), and the error that says where to read again.
 */

/** The part of a kafkajs batch the processor needs. */
export interface MessageBatch {
  topic: string;
  partition: number;
  highWatermark: string;
  messages: KafkaMessage[];
}

/** A partition's place in the log: `topic`, `partition` and the next offset to read. */
export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: string;
}

/** Partition offsets in the shape a kafkajs batch's `commitOffsetsIfNecessary` takes. */
export function offsetsByTopic(offsets: readonly PartitionOffset[]): Offsets {
  const topics = new Map<string, Array<{ partition: number; offset: string }>>();
  for (const o of offsets) {
    let partitions = topics.get(o.topic);
    if (partitions === undefined) topics.set(o.topic, (partitions = []));
    partitions.push({ partition: o.partition, offset: o.offset });
  }
  return { topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })) };
}

/** A batch a flush covered, without its messages. */
export interface BatchSummary {
  topic: string;
  partition: number;
  firstOffset: string;
  lastOffset: string;
  messages: number;
  /** How many messages of the partition were after this batch when it was fetched. */
  lag: number;
}

/** What one flush made durable: each partition's next offset, and the batches it covered (in arrival order). */
export interface Flushed {
  offsets: PartitionOffset[];
  batches: BatchSummary[];
  events: number;
}

/** A flush that did not reach Redis: read each partition again from `replayFrom`. */
export class FlushFailed extends Error {
  constructor(
    readonly replayFrom: PartitionOffset[],
    override readonly cause: unknown,
  ) {
    super(
      `writing to the read models failed (${cause instanceof Error ? cause.message : String(cause)}); re-reading ${replayFrom.map((p) => `${p.topic}[${p.partition}]@${p.offset}`).join(', ')}`,
    );
    this.name = 'FlushFailed';
  }
}

import type { IHeaders, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { PoisonReason } from './decode';

/**
 * Headers a dead-lettered message carries on top of its own. The value and key are the original bytes, untouched, so
 * the message can be re-published as it was once the cause is fixed.
 */
export const DLQ_HEADERS = {
  reason: 'pf-dlq-reason',
  detail: 'pf-dlq-detail',
  sourceTopic: 'pf-dlq-source-topic',
  sourcePartition: 'pf-dlq-source-partition',
  sourceOffset: 'pf-dlq-source-offset',
  sourceTimestamp: 'pf-dlq-source-timestamp',
  consumerGroup: 'pf-dlq-consumer-group',
} as const;

/** One poison message and why. */
export interface Poison {
  topic: string;
  partition: number;
  message: KafkaMessage;
  reason: PoisonReason;
  detail: string;
  /** Whose event it was, when the envelope could be read that far. */
  subject?: string;
  sequence?: number;
}

/** Where poison goes. */
export interface DeadLetterSink {
  /** Resolves once the dead-letter topic has every message (acks from all in-sync replicas). */
  send(poison: readonly Poison[]): Promise<void>;
  close(): Promise<void>;
}

const MAX_DETAIL = 1000;

/**
 * A dead-letter producer. At-least-once: a crash between this send and the offset commit re-sends, so readers of the
 * dead-letter topic dedupe on (source topic, partition, offset).
 */
export async function createDeadLetterSink(kafka: Kafka, topic: string, consumerGroup: string): Promise<DeadLetterSink> {
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  return {
    async send(poison) {
      if (poison.length === 0) return;
      await producer.send({
        topic,
        acks: -1,
        messages: poison.map((p) => ({
          key: p.message.key,
          value: p.message.value,
          headers: deadLetterHeaders(p, consumerGroup),
        })),
      });
    },
    close: () => producer.disconnect(),
  };
}

/** The headers of a dead-lettered message: the original ones plus reason, detail and where it came from. */
export function deadLetterHeaders(p: Poison, consumerGroup: string): IHeaders {
  return {
    ...(p.message.headers ?? {}),
    [DLQ_HEADERS.reason]: p.reason,
    [DLQ_HEADERS.detail]: p.detail.length > MAX_DETAIL ? `${p.detail.slice(0, MAX_DETAIL)}…` : p.detail,
    [DLQ_HEADERS.sourceTopic]: p.topic,
    [DLQ_HEADERS.sourcePartition]: String(p.partition),
    [DLQ_HEADERS.sourceOffset]: p.message.offset,
    [DLQ_HEADERS.sourceTimestamp]: p.message.timestamp,
    [DLQ_HEADERS.consumerGroup]: consumerGroup,
  };
}

import type { Kafka, Message, Producer } from 'kafkajs';
import { cloudEventSchema, toKafkaMessage, type CloudEvent } from '../domain/cloudevent';
import { TOPICS } from '../domain/names';

/** Where domain events go. One small interface, so the Kafka client can be swapped without touching activities. */
export interface EventPublisher {
  /** Publishes events of one subject, in order; resolves once every in-sync replica has them. */
  publish(events: CloudEvent[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Bytes one produce request may carry. Kafka refuses a record batch over the topic's `max.message.bytes` (1 MiB by
 * default) and a request's messages of one partition travel as one batch, so a publish is split into requests of at
 * most this many bytes, leaving room for the batch's and records' framing.
 */
export const PUBLISH_REQUEST_BUDGET_BYTES = 768 * 1024;

/** Framing Kafka adds to each record (length, attributes, deltas, header counts), counted generously. */
const RECORD_OVERHEAD_BYTES = 64;

/** An event that can never be published: on its own it is over the request budget. Retrying cannot help. */
export class EventTooLargeError extends Error {
  constructor(
    readonly eventId: string,
    readonly eventType: string,
    readonly bytes: number,
    readonly budget: number,
  ) {
    super(`event ${eventId} (${eventType}) is ${bytes} bytes on Kafka, over the ${budget}-byte budget of one produce request: it can never be published`);
    this.name = 'EventTooLargeError';
  }
}

/** The bytes a message takes in a produce request, framing included. */
export function messageBytes(m: { key: string; value: string; headers: Record<string, string> }): number {
  let bytes = RECORD_OVERHEAD_BYTES + Buffer.byteLength(m.key) + Buffer.byteLength(m.value);
  for (const [name, value] of Object.entries(m.headers)) bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}

/** Splits messages, in order, into requests of at most `budget` bytes. Refuses the whole publish if one message is over it. */
export function splitByBytes(events: readonly CloudEvent[], budget: number): Message[][] {
  const requests: Message[][] = [];
  let current: Message[] = [];
  let size = 0;
  for (const event of events) {
    const message = toKafkaMessage(event);
    const bytes = messageBytes(message);
    if (bytes > budget) throw new EventTooLargeError(event.id, event.type, bytes, budget);
    if (current.length > 0 && size + bytes > budget) {
      requests.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += bytes;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

/**
 * An idempotent producer (one in-flight request, acks from all in-sync replicas): a retried send cannot
 * reorder or duplicate within a producer session, and each event's id makes a cross-session retry deduplicable.
 * A publish goes out as one or more requests, one after the other, so the events keep their order.
 */
export async function createKafkaPublisher(
  kafka: Kafka,
  topic: string = TOPICS.lifecycleEvents,
  opts: { requestBudgetBytes?: number } = {},
): Promise<EventPublisher> {
  const budget = opts.requestBudgetBytes ?? PUBLISH_REQUEST_BUDGET_BYTES;
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  return {
    async publish(events) {
      if (events.length === 0) return;
      // Every event is checked and sized before the first request, so an unpublishable one sends nothing.
      const requests = splitByBytes(
        events.map((e) => cloudEventSchema.parse(e)),
        budget,
      );
      for (const messages of requests) await producer.send({ topic, acks: -1, messages });
    },
    close: () => producer.disconnect(),
  };
}

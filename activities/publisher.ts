import type { Kafka, Producer } from 'kafkajs';
import { cloudEventSchema, type CloudEvent } from '../domain/cloudevent';
import { TOPICS } from '../domain/names';

/** Where domain events go. One small interface, so the Kafka client can be swapped without touching activities. */
export interface EventPublisher {
  /** Publishes events of one subject, in order; resolves once every in-sync replica has them. */
  publish(events: CloudEvent[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * An idempotent producer (one in-flight request, acks from all in-sync replicas): a retried send cannot
 * reorder or duplicate within a producer session, and each event's id makes a cross-session retry deduplicable.
 */
export async function createKafkaPublisher(kafka: Kafka, topic: string = TOPICS.lifecycleEvents): Promise<EventPublisher> {
  const producer: Producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await producer.connect();
  return {
    async publish(events) {
      if (events.length === 0) return;
      const messages = events.map((e) => {
        const event = cloudEventSchema.parse(e);
        return {
          key: event.subject,
          value: JSON.stringify(event),
          headers: { 'content-type': 'application/cloudevents+json', 'ce-id': event.id, 'ce-type': event.type },
        };
      });
      await producer.send({ topic, acks: -1, messages });
    },
    close: () => producer.disconnect(),
  };
}

import type { EventPublisher } from '../../activities/publisher';
import { cloudEventSchema, type CloudEvent } from '../../domain/cloudevent';
import { eventSchema, type Event } from '../../domain/events';

/**
 * Stands in for Kafka in time-skipping workflow tests, which prove the lifecycle's logic and timing;
 * publishing to the real broker is proven by the integration tests.
 */
export class RecordingPublisher implements EventPublisher {
  readonly events: CloudEvent[] = [];
  /** Throws after recording the next `n` publishes, as a broker ack lost after a successful write would. */
  failAfterWrite = 0;

  async publish(events: CloudEvent[]): Promise<void> {
    for (const e of events) this.events.push(cloudEventSchema.parse(e));
    if (this.failAfterWrite > 0) {
      this.failAfterWrite -= 1;
      throw new Error('simulated lost acknowledgement after a successful write');
    }
  }

  async close(): Promise<void> {}

  /** The domain events of one partnership, deduplicated by CloudEvent id, in sequence order. */
  domainEvents(partnershipId: string): Event[] {
    const seen = new Map<string, CloudEvent>();
    for (const e of this.events) if (e.subject === partnershipId) seen.set(e.id, e);
    return [...seen.values()].sort((a, b) => a.sequence - b.sequence).map((e) => eventSchema.parse(e.data));
  }
}

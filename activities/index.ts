import { ApplicationFailure } from '@temporalio/common';
import { toCloudEvent } from '../domain/cloudevent';
import { cloudEventType, eventSchema, type Event } from '../domain/events';
import type { EventPublisher } from './publisher';

export interface ActivityDeps {
  publisher: EventPublisher;
  /** Where the stack probe's events go (their own topic); a worker without one cannot run the probe. */
  probePublisher?: EventPublisher;
}

/** Activities close over injected dependencies; the worker builds them once from config. */
export function createActivities({ publisher, probePublisher }: ActivityDeps) {
  return {
    /**
     * Publishes a partnership's events in sequence order, keyed by partnership id. The CloudEvent id derives from
     * (partnership, sequence), so a retried attempt republishes the same ids and consumers drop the copies.
     */
    async publishLifecycleEvents(input: { partnershipId: string; events: Event[] }): Promise<{ ids: string[] }> {
      const events = input.events.map((raw) => {
        // Validated when produced, as when consumed: a bad event never reaches the log.
        const e = eventSchema.parse(raw);
        // Retryable on purpose, like a schema failure: a failed publish must never fail the lifecycle, only stall
        // its publishing (visible as failing activity attempts) until the code is fixed.
        if (e.metadata.partnershipId !== input.partnershipId) {
          throw new Error(`event ${e.type}#${e.metadata.sequence} belongs to ${e.metadata.partnershipId}, not ${input.partnershipId}`);
        }
        return toCloudEvent({
          type: cloudEventType(e.type),
          subject: input.partnershipId,
          sequence: e.metadata.sequence,
          time: e.metadata.occurredAt,
          version: e.version,
          data: e,
        });
      });
      await publisher.publish(events);
      return { ids: events.map((e) => e.id) };
    },

    /** Publishes the stack probe's event; a retry publishes the same id. */
    async publishProbeEvent(input: { probeId: string; at: string }): Promise<{ eventId: string }> {
      const event = toCloudEvent({
        type: 'partnerflow.stack.probed',
        subject: `probe-${input.probeId}`,
        sequence: 1,
        time: input.at,
        version: 1,
        data: { probeId: input.probeId },
      });
      if (probePublisher === undefined) throw ApplicationFailure.nonRetryable('this worker has no probe publisher', 'NoProbePublisher');
      await probePublisher.publish([event]);
      return { eventId: event.id };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

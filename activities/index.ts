import { toCloudEvent } from '../domain/cloudevent';
import type { EventPublisher } from './publisher';

export interface ActivityDeps {
  publisher: EventPublisher;
}

/** What the lifecycle hands to the publishing activity: a domain event and the sequence it was recorded at. */
export interface SequencedEvent {
  sequence: number;
  type: string;
  version: number;
  data: unknown;
  metadata: { at: string } & Record<string, unknown>;
}

/** CloudEvents type of a domain event: `partnerflow.partnership.<event type>`. */
export function cloudEventType(domainType: string): string {
  return `partnerflow.partnership.${domainType.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
}

/** Activities close over injected dependencies; the worker builds them once from config. */
export function createActivities({ publisher }: ActivityDeps) {
  return {
    /**
     * Publishes a partnership's events in sequence order, keyed by partnership id. The CloudEvent id derives from
     * (partnership, sequence), so a retried attempt republishes the same ids and consumers drop the copies.
     */
    async publishLifecycleEvents(input: { partnershipId: string; events: SequencedEvent[] }): Promise<{ ids: string[] }> {
      const events = input.events.map((e) =>
        toCloudEvent({
          type: cloudEventType(e.type),
          subject: input.partnershipId,
          sequence: e.sequence,
          time: e.metadata.at,
          version: e.version,
          data: { type: e.type, version: e.version, data: e.data, metadata: e.metadata },
        }),
      );
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
      await publisher.publish([event]);
      return { eventId: event.id };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

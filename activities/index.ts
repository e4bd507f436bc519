import { toCloudEvent } from '../domain/cloudevent';
import type { EventPublisher } from './publisher';

export interface ActivityDeps {
  publisher: EventPublisher;
}

/** Activities close over injected dependencies; the worker builds them once from config. */
export function createActivities({ publisher }: ActivityDeps) {
  return {
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

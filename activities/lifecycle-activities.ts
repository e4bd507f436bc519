import { PROBE_EVENT_TYPE } from '../domain/names';
import { ApplicationFailure } from '@temporalio/common';
import { toCloudEvent, type CloudEvent } from '../domain/cloudevent';
import { describeIssues, type DomainErrorCode } from '../domain/errors';
import { cloudEventType, eventSchema, type Event } from '../domain/events';
import { EventTooLargeError, type EventPublisher } from './publisher';

export interface ActivityDeps {
  publisher: EventPublisher;
  /** Where the stack probe's events go (their own topic); a worker without one cannot run the probe. */
  probePublisher?: EventPublisher;
}

/**
 * A publish that can never succeed, however often it is retried: a non-retryable failure typed with the domain's code,
 * naming the event. The lifecycle does not catch it, so its workflow fails with this as the cause, visible in Temporal
 * (`temporal workflow describe`, the UI): nothing after it is published, and the events stay in its history. A lifecycle
 * whose commands pass their schemas never produces such an event (domain/limits.ts); this stops a bug from becoming a
 * publish retried forever while every later command waits behind it.
 */
function unpublishable(code: DomainErrorCode, message: string, details: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({ type: code, message, nonRetryable: true, details: [details] });
}

/** `PartnershipRegistered #1 of acme`, for messages; `raw` may be anything. */
function describeEvent(raw: unknown, index: number): string {
  const e = raw as Partial<Event> | null;
  const type = typeof e?.type === 'string' ? e.type : 'event';
  const sequence = typeof e?.metadata?.sequence === 'number' ? `#${e.metadata.sequence}` : `at index ${index}`;
  return `${type} ${sequence}`;
}

function toPublishable(raw: unknown, index: number, partnershipId: string): CloudEvent {
  // Validated when produced, as when consumed: a bad event never reaches the log.
  const parsed = eventSchema.safeParse(raw);
  if (!parsed.success) {
    const what = describeEvent(raw, index);
    throw unpublishable('invalid_event', `${what} of ${partnershipId} fails its schema: ${describeIssues(parsed.error.issues)}`, {
      event: what,
      partnershipId,
    });
  }
  const e = parsed.data;
  if (e.metadata.partnershipId !== partnershipId) {
    throw unpublishable('invalid_event', `event ${e.type} #${e.metadata.sequence} belongs to ${e.metadata.partnershipId}, not ${partnershipId}`, {
      event: `${e.type} #${e.metadata.sequence}`,
      partnershipId,
    });
  }
  return toCloudEvent({
    type: cloudEventType(e.type),
    subject: partnershipId,
    sequence: e.metadata.sequence,
    time: e.metadata.occurredAt,
    version: e.version,
    data: e,
  });
}

/** Publishes; an event too large for Kafka fails for good, any other error (a broker away, a timeout) is retried. */
async function publish(publisher: EventPublisher, events: CloudEvent[]): Promise<void> {
  try {
    await publisher.publish(events);
  } catch (err) {
    if (err instanceof EventTooLargeError) {
      throw unpublishable('event_too_large', err.message, { eventId: err.eventId, eventType: err.eventType, bytes: err.bytes, budget: err.budget });
    }
    if (isMessageTooLarge(err)) {
      throw unpublishable('event_too_large', `the broker refused events ${events[0]?.id ?? ''}…${events.at(-1)?.id ?? ''} as too large: ${String(err)}`, {
        first: events[0]?.id,
        last: events.at(-1)?.id,
      });
    }
    throw err;
  }
}

/** kafkajs' refusal of a batch over the topic's `max.message.bytes` (a broker configured below the publisher's budget). */
function isMessageTooLarge(err: unknown): boolean {
  for (
    let e = err as { type?: unknown; cause?: unknown; originalError?: unknown } | undefined, depth = 0;
    e !== undefined && e !== null && depth < 5;
    depth += 1
  ) {
    if (e.type === 'MESSAGE_TOO_LARGE') return true;
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return false;
}

/** Activities close over injected dependencies; the worker builds them once from config. */
export function createActivities({ publisher, probePublisher }: ActivityDeps) {
  return {
    /**
     * Publishes a partnership's events in sequence order, keyed by partnership id. The CloudEvent id derives from
     * (partnership, sequence), so a retried attempt republishes the same ids and consumers drop the copies.
     */
    async publishLifecycleEvents(input: { partnershipId: string; events: Event[] }): Promise<{ ids: string[] }> {
      const events = input.events.map((raw, i) => toPublishable(raw, i, input.partnershipId));
      await publish(publisher, events);
      return { ids: events.map((e) => e.id) };
    },

    /** Publishes the stack probe's event; a retry publishes the same id. */
    async publishProbeEvent(input: { probeId: string; at: string }): Promise<{ eventId: string }> {
      const event = toCloudEvent({
        type: PROBE_EVENT_TYPE,
        subject: `probe-${input.probeId}`,
        sequence: 1,
        time: input.at,
        version: 1,
        data: { probeId: input.probeId },
      });
      if (probePublisher === undefined) throw ApplicationFailure.nonRetryable('this worker has no probe publisher', 'NoProbePublisher');
      await publish(probePublisher, [event]);
      return { eventId: event.id };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;

import { PROBE_EVENT_TYPE } from '../domain/names';
import { actorSchema } from '../domain/roles';
import { z } from 'zod';
import type { CloudEvent } from '../domain/cloudevent';
import { CURRENT_EVENT_VERSIONS, cloudEventType, eventSchema, type Event, type EventType } from '../domain/events';
import { upcast } from '../domain/upcast';
import type { EventTypeSpec } from './runner/projection';

/** Streams: subjects whose events share one gapless sequence. */
export const STREAMS = { partnership: 'partnership', probe: 'probe' } as const;

/** Lifecycle event types and the newest version of each: the domain's, so producers and projections agree. */
export const LIFECYCLE_EVENT_VERSIONS: Readonly<Record<string, number>> = CURRENT_EVENT_VERSIONS;

/** CloudEvents type of a domain event: `partnerflow.partnership.<kebab-case type>` (the domain's `cloudEventType`). */
export function lifecycleCloudEventType(domainType: string): string {
  let type = ceTypes.get(domainType);
  if (type === undefined) {
    type = cloudEventType(domainType as EventType);
    // Every consumed event is checked against it: remember the few there are rather than run the regex each time.
    if (ceTypes.size < 1000) ceTypes.set(domainType, type);
  }
  return type;
}

const ceTypes = new Map<string, string>();

/**
 * The domain event a lifecycle CloudEvent carries in `data`: `{ type, version, data, metadata: { actor?, … } }`. Only the
 * envelope; `lifecycleCloudEventSchema` checks the whole event against the domain's schemas.
 */
export const domainEventEnvelopeSchema = z.object({
  type: z.string().min(1),
  version: z.number().int().positive(),
  data: z.unknown().refine((v) => v !== undefined, 'required'),
  metadata: z.looseObject({ actor: actorSchema.optional() }),
});

/**
 * A lifecycle CloudEvent, checked against the schemas the lifecycle produces with: `data` read through the domain's
 * `upcast` (any past version, as the current one) must pass the domain's `eventSchema`, and agree with the envelope's
 * type, version, subject and sequence. The CloudEvents envelope itself the decoder has already checked.
 */
export const lifecycleCloudEventSchema = z
  // The decoder has checked the envelope (`cloudEventSchema`) before this runs: only its shape is asserted here, not
  // checked again field by field (nor copied, as an object schema would).
  .custom<Pick<CloudEvent, 'type' | 'subject' | 'sequence' | 'dataschemaversion' | 'data'>>((v) => typeof v === 'object' && v !== null, 'expected a CloudEvent')
  .superRefine((ce, ctx) => {
    const read = readCurrent(ce.data);
    if (!read.ok) {
      ctx.addIssue({ code: 'custom', path: ['data'], message: read.error.message });
      return;
    }
    const { type, metadata } = read.event;
    const version = (ce.data as { version: number }).version;
    if (lifecycleCloudEventType(type) !== ce.type) ctx.addIssue({ code: 'custom', path: ['type'], message: `does not match data.type "${type}"` });
    if (ce.dataschemaversion !== undefined && ce.dataschemaversion !== version) {
      ctx.addIssue({ code: 'custom', path: ['dataschemaversion'], message: `does not match data.version ${version}` });
    }
    if (metadata.partnershipId !== ce.subject)
      ctx.addIssue({ code: 'custom', path: ['subject'], message: `does not match data.metadata.partnershipId "${metadata.partnershipId}"` });
    if (metadata.sequence !== ce.sequence)
      ctx.addIssue({ code: 'custom', path: ['sequence'], message: `does not match data.metadata.sequence ${metadata.sequence}` });
  });

/**
 * `upcast`, with a shortcut for the common case: data already at its type's current version needs no upcasting, so
 * the domain's `eventSchema` alone decides (the same check `upcast` ends with, minus its envelope pre-pass, which
 * anything `eventSchema` accepts passes). Whatever the shortcut refuses goes through `upcast` itself, so refusals and
 * their messages are exactly `upcast`'s.
 */
function readCurrent(raw: unknown): ReturnType<typeof upcast> {
  const candidate = raw as { type?: unknown; version?: unknown } | null;
  if (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.type === 'string' &&
    Object.hasOwn(CURRENT_EVENT_VERSIONS, candidate.type) &&
    candidate.version === CURRENT_EVENT_VERSIONS[candidate.type as EventType]
  ) {
    const parsed = eventSchema.safeParse(raw);
    if (parsed.success) return { ok: true, event: parsed.data };
  }
  return upcast(raw);
}

/** A lifecycle CloudEvent after validation. */
export type LifecycleCloudEvent = CloudEvent & { data: z.infer<typeof domainEventEnvelopeSchema> };

/**
 * The domain event a validated lifecycle CloudEvent carries, as the current version (older versions upcast). Folds
 * read events through this so a v1 event in an old log folds like its current form.
 */
export function lifecycleEventOf(ce: CloudEvent): Event {
  const raw = ce.data as Event;
  if (raw.version === CURRENT_EVENT_VERSIONS[raw.type]) return raw;
  const read = upcast(raw);
  return read.ok ? read.event : raw;
}

/** The type specs of every lifecycle event, in one list shared by every read model of partnerships. */
export const LIFECYCLE_EVENTS: readonly EventTypeSpec[] = (Object.entries(CURRENT_EVENT_VERSIONS) as Array<[EventType, number]>).map(([type, maxVersion]) => ({
  type: cloudEventType(type),
  maxVersion,
  stream: STREAMS.partnership,
  schema: lifecycleCloudEventSchema,
}));

/** The specs of some lifecycle event types (the same objects as in `LIFECYCLE_EVENTS`, as `catalogOf` requires). */
export function lifecycleEvents(...types: EventType[]): readonly EventTypeSpec[] {
  const wanted = new Set(types.map((t) => cloudEventType(t)));
  return LIFECYCLE_EVENTS.filter((s) => wanted.has(s.type));
}

/** CloudEvents type of the stack probe's event. */
export { PROBE_EVENT_TYPE };

/** The stack probe's event: `{ probeId }`, subject `probe-<id>`. */
export const PROBE_EVENT: EventTypeSpec = {
  type: PROBE_EVENT_TYPE,
  maxVersion: 1,
  stream: STREAMS.probe,
  schema: z.looseObject({ data: z.object({ probeId: z.string().min(1) }) }),
};

import { z } from 'zod';
import type { CloudEvent } from '../domain/cloudevent';
import type { EventTypeSpec } from './runner/projection';

/** Streams: subjects whose events share one gapless sequence. */
export const STREAMS = { partnership: 'partnership', probe: 'probe' } as const;

/**
 * Lifecycle event types and the newest version of each that the projections read. Until the lifecycle's event
 * schemas are wired in (domain/events.ts, then `CURRENT_EVENT_VERSIONS` and its zod union as the runner's
 * `validate`), this list is the projections' own copy.
 */
export const LIFECYCLE_EVENT_VERSIONS: Readonly<Record<string, number>> = Object.freeze({
  PartnershipRegistered: 1,
  ScreeningScoreSubmitted: 1,
  GateDecided: 1,
  DueDiligencePhaseStarted: 1,
  LaunchStarted: 1,
  OptimizationStarted: 1,
  PartnershipRejected: 1,
  TaskOpened: 1,
  TaskAssigned: 1,
  TaskCompleted: 1,
  ReviewCompleted: 1,
  TaskCancelled: 1,
  DeadlineMoved: 1,
  FindingRecorded: 1,
  RiskAdded: 1,
  RiskUpdated: 1,
  KpiRecorded: 1,
  IssueRaised: 2,
  IssueResolved: 1,
  EscalationStepFired: 1,
  EscalationAcknowledged: 1,
  RenewalWindowOpened: 1,
  RenewalDecided: 1,
  ContractRenewed: 1,
  NoticeServed: 1,
  NoticePeriodEnded: 1,
  PartnershipExited: 1,
});

/**
 * CloudEvents type of a domain event: `partnerflow.partnership.<kebab-case type>`. Mirrors `cloudEventType` in
 * activities/index.ts, which the projector does not import: that module pulls in the Temporal SDK and the domain.
 */
export function lifecycleCloudEventType(domainType: string): string {
  let type = ceTypes.get(domainType);
  if (type === undefined) {
    type = `partnerflow.partnership.${domainType.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}`;
    // Every consumed event is checked against it: remember the few there are rather than run the regex each time.
    if (ceTypes.size < 1000) ceTypes.set(domainType, type);
  }
  return type;
}

const ceTypes = new Map<string, string>();

/** Who caused an event, when the lifecycle records it. */
export const actorSchema = z.object({ id: z.string().min(1), role: z.string().min(1) });

/**
 * The domain event a lifecycle CloudEvent carries in `data`: `{ type, version, data, metadata: { actor?, … } }`. The
 * event's time is the CloudEvent's `time` (the lifecycle sets it from the metadata), so the metadata's own name for it
 * is not checked here.
 */
export const domainEventEnvelopeSchema = z.object({
  type: z.string().min(1),
  version: z.number().int().positive(),
  data: z.unknown().refine((v) => v !== undefined, 'required'),
  metadata: z.looseObject({ actor: actorSchema.optional() }),
});

/**
 * A lifecycle CloudEvent: the projections' checks until the lifecycle's own schemas replace them. Only what the
 * decoder has not already checked (the CloudEvents envelope) is checked here: the domain event in `data` and that it
 * agrees with the envelope's type and version.
 */
export const lifecycleCloudEventSchema = z
  .looseObject({ type: z.string(), dataschemaversion: z.number().optional(), data: domainEventEnvelopeSchema })
  .superRefine((event, ctx) => {
    if (lifecycleCloudEventType(event.data.type) !== event.type) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: `does not match data.type "${event.data.type}"` });
    }
    if (event.dataschemaversion !== undefined && event.dataschemaversion !== event.data.version) {
      ctx.addIssue({ code: 'custom', path: ['dataschemaversion'], message: `does not match data.version ${event.data.version}` });
    }
  });

/** A lifecycle CloudEvent after validation. */
export type LifecycleCloudEvent = CloudEvent & { data: z.infer<typeof domainEventEnvelopeSchema> };

/** The type specs of every lifecycle event, in one list shared by every read model of partnerships. */
export const LIFECYCLE_EVENTS: readonly EventTypeSpec[] = Object.entries(LIFECYCLE_EVENT_VERSIONS).map(([type, maxVersion]) => ({
  type: lifecycleCloudEventType(type),
  maxVersion,
  stream: STREAMS.partnership,
  schema: lifecycleCloudEventSchema,
}));

/** CloudEvents type of the stack probe's event. */
export const PROBE_EVENT_TYPE = 'partnerflow.stack.probed';

/** The stack probe's event: `{ probeId }`, subject `probe-<id>`. */
export const PROBE_EVENT: EventTypeSpec = {
  type: PROBE_EVENT_TYPE,
  maxVersion: 1,
  stream: STREAMS.probe,
  schema: z.looseObject({ data: z.object({ probeId: z.string().min(1) }) }),
};

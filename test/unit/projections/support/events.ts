import { toCloudEvent, type CloudEvent } from '../../../../domain/cloudevent';
import { READ_MODELS } from '../../../../projections/read-models';
import { lifecycleCloudEventType } from '../../../../projections/catalog';
import { catalogOf, createDecoder } from '../../../../projections/runner';

export { sampleData } from '../../../../bench/sample-events';
import { sampleData } from '../../../../bench/sample-events';

/** What the projector reads with: the envelope, the event's type and version, and the domain's schema for it. */
const decode = createDecoder(catalogOf(READ_MODELS));

/**
 * A lifecycle CloudEvent shaped as the publishing activity shapes it; `data` defaults to schema-valid sample data.
 * It must be an event the projector would accept (it goes through the projector's decoder, and a fixture that would be
 * dead-lettered throws, naming the field): a test folds only what the lifecycle can publish. `poison: true` builds one
 * that need not be, for the tests of what is refused.
 */
export function lifecycleEvent(input: {
  subject: string;
  sequence: number;
  type?: string;
  version?: number;
  at?: string;
  actor?: { id: string; role: string } | null;
  data?: Record<string, unknown>;
  poison?: true;
}): CloudEvent {
  const type = input.type ?? 'TaskOpened';
  const version = input.version ?? (type === 'IssueRaised' ? 2 : 1);
  const at = input.at ?? new Date(Date.UTC(2025, 0, 1) + input.sequence * 60_000).toISOString();
  const metadata: Record<string, unknown> = { partnershipId: input.subject, sequence: input.sequence, occurredAt: at };
  if (input.actor !== null) metadata.actor = input.actor ?? { id: 'ana', role: 'owner' };
  const event = toCloudEvent({
    type: lifecycleCloudEventType(type),
    subject: input.subject,
    sequence: input.sequence,
    time: at,
    version,
    data: { type, version, data: input.data ?? sampleData(type, input.subject, input.sequence, at), metadata },
  });
  if (input.poison !== true) {
    const decoded = decode(Buffer.from(JSON.stringify(event)));
    if (!decoded.ok)
      throw new Error(
        `fixture ${type} v${version} #${input.sequence} of ${input.subject} is not a valid lifecycle event (${decoded.reason}): ${decoded.detail}`,
      );
  }
  return event;
}

/** Events 1..n of one partnership, cycling through a few types; every one passes the domain's schemas. */
export function lifecycleHistory(subject: string, n: number, from = 1): CloudEvent[] {
  const types = ['PartnershipRegistered', 'ScreeningScoreSubmitted', 'TaskOpened', 'TaskAssigned', 'TaskCompleted', 'GateDecided'];
  return Array.from({ length: n }, (_, i) => {
    const sequence = from + i;
    return lifecycleEvent({
      subject,
      sequence,
      type: sequence === 1 ? 'PartnershipRegistered' : types[sequence % types.length],
      actor: sequence % 4 === 0 ? { id: 'partnerflow', role: 'system' } : { id: `person-${sequence % 3}`, role: sequence % 2 === 0 ? 'ops' : 'owner' },
    });
  });
}

/** Events of several partnerships interleaved as they would be on one partition. */
export function interleaved(subjects: readonly string[], perSubject: number): CloudEvent[] {
  const histories = subjects.map((s) => lifecycleHistory(s, perSubject));
  const out: CloudEvent[] = [];
  for (let i = 0; i < perSubject; i += 1) for (const h of histories) out.push(h[i] as CloudEvent);
  return out;
}

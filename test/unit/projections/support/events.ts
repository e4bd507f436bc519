import { toCloudEvent, type CloudEvent } from '../../../../domain/cloudevent';
import { lifecycleCloudEventType } from '../../../../projections/catalog';

export { sampleData } from '../../../../bench/sample-events';
import { sampleData } from '../../../../bench/sample-events';

/** A lifecycle CloudEvent shaped as the publishing activity shapes it; `data` defaults to schema-valid sample data. */
export function lifecycleEvent(input: {
  subject: string;
  sequence: number;
  type?: string;
  version?: number;
  at?: string;
  actor?: { id: string; role: string } | null;
  data?: Record<string, unknown>;
}): CloudEvent {
  const type = input.type ?? 'TaskOpened';
  const version = input.version ?? (type === 'IssueRaised' ? 2 : 1);
  const at = input.at ?? new Date(Date.UTC(2025, 0, 1) + input.sequence * 60_000).toISOString();
  const metadata: Record<string, unknown> = { partnershipId: input.subject, sequence: input.sequence, occurredAt: at };
  if (input.actor !== null) metadata.actor = input.actor ?? { id: 'ana', role: 'owner' };
  return toCloudEvent({
    type: lifecycleCloudEventType(type),
    subject: input.subject,
    sequence: input.sequence,
    time: at,
    version,
    data: { type, version, data: input.data ?? sampleData(type, input.subject, input.sequence, at), metadata },
  });
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

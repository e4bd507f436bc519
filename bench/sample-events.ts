import { toCloudEvent } from '../domain/cloudevent';
import { compressedPolicy, resolvePolicy } from '../domain/policy';
import { LIFECYCLE_EVENT_VERSIONS, lifecycleCloudEventType } from '../projections/catalog';

/** Event types `sampleData` writes schema-valid data for (beyond the registration), in a realistic mix for benches. */
export const SAMPLED_TYPES = ['TaskOpened', 'TaskAssigned', 'TaskCompleted', 'EscalationStepFired', 'TaskCancelled', 'ScreeningScoreSubmitted', 'IssueRaised'] as const;

const REGISTRATION_POLICY = resolvePolicy(compressedPolicy, { kind: 'alliance', modifiers: [] });

/** Data of each event type that passes the domain's schema, for tests that do not care what it says. */
export function sampleData(type: string, subject: string, sequence: number, at: string): Record<string, unknown> {
  const taskId = `t-${sequence}`;
  switch (type) {
    case 'PartnershipRegistered':
      return {
        partnershipId: subject,
        name: `Partnership ${subject}`,
        partner: 'Acme Cloud Ltd',
        kind: 'alliance',
        structure: 'contractual',
        modifiers: [],
        attributes: {},
        owner: 'olga.owner',
        pmoLead: 'pat.pmo',
        executiveSponsor: 'erin.sponsor',
        steeringCommittee: 'sam.steering',
        contract: null,
        policy: REGISTRATION_POLICY,
      };
    case 'ScreeningScoreSubmitted':
      return { evaluator: 'erin.sponsor', scores: { fit: 4 }, averages: { fit: 4 }, composite: 4, recommendation: 'advance' };
    case 'GateDecided':
      return { gate: 'screening', taskId, outcome: 'advance', rationale: 'fits', composite: 4, recommendation: 'advance' };
    case 'TaskOpened':
      return { task: { id: taskId, kind: 'checklist', title: 'Check', owner: 'olga.owner', legal: false, dueAt: at, reminderLead: 'P1D' } };
    case 'TaskAssigned':
      return { taskId, owner: 'pat.pmo', previousOwner: 'olga.owner' };
    case 'TaskCompleted':
      return { taskId };
    case 'TaskCancelled':
      return { taskId, reason: 'no longer needed' };
    case 'IssueRaised':
      return { issueId: `i-${sequence}`, taskId, title: 'Late delivery', severity: 'medium' };
    case 'EscalationStepFired':
      return {
        taskId,
        step: 'L1',
        escalationId: `${taskId}:0:L1`,
        round: 0,
        scheduledAt: at,
        dueAt: at,
        addressee: { role: 'pmo_lead', id: 'pat.pmo' },
        reason: 'overdue',
      };
    case 'PartnershipExited':
      return { reason: 'wound down' };
    default:
      return { taskId };
  }
}

const TARGET_BYTES = 500;

/**
 * Event `sequence` of bench partnership number `subject`, as the JSON the lifecycle publishes: the registration first,
 * then the sampled types in rotation, each padded (`data.note`) to ~500 bytes. Schema-valid, so nothing is poison.
 */
export function syntheticEvent(subject: number, sequence: number): string {
  const type = sequence === 1 ? 'PartnershipRegistered' : (SAMPLED_TYPES[(subject + sequence) % SAMPLED_TYPES.length] as string);
  const version = LIFECYCLE_EVENT_VERSIONS[type] as number;
  const partnershipId = `bench-p-${String(subject).padStart(6, '0')}`;
  const at = new Date(Date.UTC(2025, 0, 1) + sequence * 3_600_000 + subject * 1000).toISOString();
  const build = (padding: string) =>
    JSON.stringify(
      toCloudEvent({
        type: lifecycleCloudEventType(type),
        subject: partnershipId,
        sequence,
        time: at,
        version,
        data: {
          type,
          version,
          // Schema-valid data (the projector validates against the domain's schemas); `note` pads events to ~500 bytes.
          data: { ...sampleData(type, partnershipId, sequence, at), note: padding },
          metadata: { partnershipId, sequence, occurredAt: at, actor: { id: `person-${sequence % 13}`, role: sequence % 3 === 0 ? 'ops' : 'owner' } },
        },
      }),
    );
  const bare = build('');
  return bare.length >= TARGET_BYTES ? bare : build('x'.repeat(TARGET_BYTES - bare.length));
}

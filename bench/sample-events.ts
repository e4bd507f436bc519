import { toCloudEvent } from '../domain/cloudevent';
import { compressedPolicy, resolvePolicy } from '../domain/policy';
import { LIFECYCLE_EVENT_VERSIONS, lifecycleCloudEventType } from '../projections/catalog';

/**
 * The round of events a bench partnership repeats after its registration, and which task each one is about, counted
 * in rounds: round n opens task n, assigns it, escalates task n - 1 and closes task n - 2, so about three tasks (and
 * one or two escalations) are open at a time, as in a due-diligence phase, and every event of the round changes them.
 */
export const SAMPLED_ROUND = [
  { type: 'TaskOpened', task: 0 },
  { type: 'TaskAssigned', task: 0 },
  { type: 'ScreeningScoreSubmitted', task: 0 },
  { type: 'EscalationStepFired', task: -1 },
  { type: 'IssueRaised', task: 0 },
  { type: 'TaskCompleted', task: -2 },
  { type: 'TaskCancelled', task: -2 },
] as const;

const REGISTRATION_POLICY = resolvePolicy(compressedPolicy, { kind: 'alliance', modifiers: [] });

/** Data of each event type that passes the domain's schema, for tests that do not care what it says. */
export function sampleData(type: string, subject: string, sequence: number, at: string, taskId = `t-${sequence}`): Record<string, unknown> {
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
 * then `SAMPLED_ROUND` over and over (each partnership starts at another step, so a batch mixes types; a round closes
 * either with TaskCompleted or TaskCancelled, by turns), each padded (`data.note`) to ~500 bytes. Schema-valid, so
 * nothing is poison.
 */
export function syntheticEvent(subject: number, sequence: number): string {
  const at = new Date(Date.UTC(2025, 0, 1) + sequence * 3_600_000 + subject * 1000).toISOString();
  const steps = SAMPLED_ROUND.length - 1;
  const position = Math.max(0, sequence - 2) + (subject % steps);
  // Rounds count from 2, so the tasks the first round escalates and closes (never opened: no-ops) are t-1 and t-0.
  const round = Math.floor(position / steps) + 2;
  let step = SAMPLED_ROUND[position % steps] as (typeof SAMPLED_ROUND)[number];
  if (step.type === 'TaskCompleted' && round % 2 === 1) step = SAMPLED_ROUND[steps] as (typeof SAMPLED_ROUND)[number];
  const type = sequence === 1 ? 'PartnershipRegistered' : step.type;
  const taskId = `t-${round + step.task}`;
  const version = LIFECYCLE_EVENT_VERSIONS[type] as number;
  const partnershipId = `bench-p-${String(subject).padStart(6, '0')}`;
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
          data: { ...sampleData(type, partnershipId, sequence, at, taskId), note: padding },
          metadata: { partnershipId, sequence, occurredAt: at, actor: { id: `person-${sequence % 13}`, role: sequence % 3 === 0 ? 'ops' : 'owner' } },
        },
      }),
    );
  const bare = build('');
  return bare.length >= TARGET_BYTES ? bare : build('x'.repeat(TARGET_BYTES - bare.length));
}

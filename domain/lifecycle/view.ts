import type { Addressee, Contract, EscalationLevel, HealthRatings, Kpi, LadderStep, Risk, TaskKind } from '../model';
import type { DdPhase, PartnershipKind } from '../policy/schema';
import { toMs } from '../time';
import { currentEscalation } from './escalation';
import { nextScheduledCommand } from './schedule';
import type { ScreeningState, Stage, State } from './state';
import { openTasks } from './tasks';

/** An open task as the partnership view shows it. */
export interface OpenTaskView {
  id: string;
  kind: TaskKind;
  title: string;
  owner: string;
  legal: boolean;
  dueAt: string;
  /** The last ladder step that fired, if any. */
  lastStep: LadderStep | null;
}

/** An escalation a task currently stands at. */
export interface EscalationView {
  id: string;
  taskId: string;
  level: EscalationLevel;
  addressee: Addressee;
  at: string;
  acknowledgedAt: string | null;
}

/** What the workflow's state query returns, and what search attributes are read from. */
export interface PartnershipView {
  partnershipId: string;
  name: string;
  partner: string;
  kind: PartnershipKind;
  stage: Exclude<Stage, 'unregistered'>;
  phase: DdPhase | null;
  owner: string;
  policyVersion: string;
  sequence: number;
  registeredAt: string;
  updatedAt: string;
  openTasks: OpenTaskView[];
  openEscalations: EscalationView[];
  openEscalationCount: number;
  screening: ScreeningState;
  risks: Array<Risk & { score: number }>;
  contract: Contract | null;
  kpis: Kpi[];
  health: { ratings: HealthRatings; ratedAt: string } | null;
  /** The earliest due date among open tasks. */
  nextDeadline: string | null;
  /** When the lifecycle next acts on its own (the earliest scheduled command). */
  nextWakeAt: string | null;
  exit: { reason: string; noticeEndsAt: string; noticeEnded: boolean } | null;
  rejected: { gate: string; rationale: string; at: string } | null;
}

/** A read-only summary of the state, for queries, search attributes and the CLI. */
export function view(state: State): PartnershipView | { stage: 'unregistered'; sequence: 0 } {
  if (state.stage === 'unregistered') return { stage: 'unregistered', sequence: 0 };
  const tasks = openTasks(state).sort((a, b) => toMs(a.dueAt) - toMs(b.dueAt) || (a.id < b.id ? -1 : 1));
  const escalations: EscalationView[] = tasks.flatMap((t) => {
    const e = currentEscalation(t);
    if (e === null || e.step === 'reminder') return [];
    return [{ id: e.escalationId, taskId: t.id, level: e.step, addressee: e.addressee, at: e.at, acknowledgedAt: e.acknowledgedAt ?? null }];
  });
  const exit = state.stage === 'exit' || state.stage === 'exited' ? state.exit : null;
  return {
    partnershipId: state.partnershipId,
    name: state.profile.name,
    partner: state.profile.partner,
    kind: state.profile.kind,
    stage: state.stage,
    phase: state.stage === 'due_diligence' ? state.phase : null,
    owner: state.profile.owner,
    policyVersion: state.policy.version,
    sequence: state.sequence,
    registeredAt: state.registeredAt,
    updatedAt: state.updatedAt,
    openTasks: tasks.map((t) => ({
      id: t.id,
      kind: t.kind,
      title: t.title,
      owner: t.owner,
      legal: t.legal,
      dueAt: t.dueAt,
      lastStep: t.ladder.fired.at(-1)?.step ?? null,
    })),
    openEscalations: escalations,
    openEscalationCount: escalations.length,
    screening: state.screening,
    risks: Object.values(state.risks).map((r) => ({ ...r, score: r.likelihood * r.impact })),
    contract: state.contract,
    kpis: Object.values(state.kpis),
    health: state.health,
    nextDeadline: tasks[0]?.dueAt ?? null,
    nextWakeAt: nextScheduledCommand(state)?.at ?? null,
    exit: exit === null ? null : { reason: exit.reason, noticeEndsAt: exit.noticeEndsAt, noticeEnded: exit.noticeEnded },
    rejected: state.stage === 'rejected' ? { gate: state.rejected.gate, rationale: state.rejected.rationale, at: state.rejected.at } : null,
  };
}

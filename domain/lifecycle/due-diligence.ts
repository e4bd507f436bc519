import type { CommandOf } from '../commands';
import { authorize } from '../decision-rights';
import type { EventDraft } from '../events';
import type { DdPhase } from '../policy/schema';
import { overCap } from './caps';
import { findingId, riskId } from './ids';
import { accept, draft, reject, wrongStage, type Outcome } from './outcome';
import type { ActiveState, RegisteredBase } from './state';
import { dueAfter, openChecklist, openGate } from './tasks';
import { entryOf } from '../records';

/** Starts a due-diligence phase: its checklist is due at the end of the phase, its gate decision after that. */
export function startDueDiligencePhase(state: RegisteredBase, phase: DdPhase, now: string): EventDraft[] {
  const spec = state.policy.dueDiligence.phases[phase];
  const endsAt = dueAfter(now, spec.duration);
  const scope = `dd.${phase}` as const;
  return [
    draft('DueDiligencePhaseStarted', { phase, endsAt }),
    ...openChecklist(state, scope, spec.items, endsAt),
    openGate(state, scope, `${spec.title} gate: advance or reject`, dueAfter(endsAt, spec.gateDecisionWithin)),
  ];
}

/** The phase after `phase`, or `null` after the final one. */
export function nextPhase(phase: DdPhase): DdPhase | null {
  return phase === 'preliminary' ? 'detailed' : phase === 'detailed' ? 'final' : null;
}

/** A finding with its risk rating (likelihood × impact) enters the risk register. Findings belong to due diligence. */
export function recordFinding(cmd: CommandOf<'RecordFinding'>, state: ActiveState): Outcome {
  const allowed = authorize('record_finding', cmd.metadata.actor);
  if (!allowed.ok) return allowed;
  if (state.stage !== 'due_diligence') return wrongStage('recording a finding', state, 'findings belong to due diligence: add a risk instead');
  const { data } = cmd;
  const task = data.taskId === undefined ? undefined : entryOf(state.tasks, data.taskId);
  if (data.taskId !== undefined && task === undefined) {
    return reject('unknown_task', `there is no task ${data.taskId} to attach the finding to; leave taskId out or name a due-diligence item`, {
      taskId: data.taskId,
    });
  }
  const full = overCap(state, 'findings') ?? overCap(state, 'risks');
  if (full !== undefined) return full;
  const now = cmd.metadata.now;
  const id = findingId(state.counters.findings + 1);
  return accept(
    draft('FindingRecorded', {
      findingId: id,
      ...(data.taskId === undefined ? {} : { taskId: data.taskId }),
      title: data.title,
      ...(data.detail === undefined ? {} : { detail: data.detail }),
      risk: {
        id: riskId(state.counters.risks + 1),
        title: data.title,
        category: data.category,
        likelihood: data.likelihood,
        impact: data.impact,
        owner: data.owner ?? task?.owner ?? state.profile.owner,
        mitigation: data.mitigation,
        status: 'open',
        source: { kind: 'finding', findingId: id, ...(data.taskId === undefined ? {} : { taskId: data.taskId }) },
        raisedAt: now,
        updatedAt: now,
      },
    }),
  );
}

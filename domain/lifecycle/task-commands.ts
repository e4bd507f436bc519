import type { CommandOf } from '../commands';
import { authorize } from '../decision-rights';
import { isBefore } from '../time';
import { completesExit, exitEvents } from './exit';
import { accept, draft, reject, type Outcome } from './outcome';
import type { ActiveState } from './state';
import { findOpenTask } from './tasks';
import { hasEntry } from '../records';

const COMPLETED_ELSEWHERE = {
  gate: 'it is a gate: decide it with DecideGate',
  issue: 'it is an issue: resolve it with ResolveIssue',
  renewal_decision: 'it is the renewal decision: take it with DecideRenewal',
} as const;

/** Give an open task to someone else (ops); later ladder steps go to the new owner. */
export function assignTask(cmd: CommandOf<'AssignTask'>, state: ActiveState): Outcome {
  const { taskId, owner } = cmd.data;
  const allowed = authorize('assign_task', cmd.metadata.actor, { subject: `task ${taskId}` });
  if (!allowed.ok) return allowed;
  const found = findOpenTask(state, taskId);
  if (!found.ok) return found;
  // Assigning to the current owner changes nothing, so it records nothing.
  if (found.task.owner === owner) return accept();
  return accept(draft('TaskAssigned', { taskId, owner, previousOwner: found.task.owner }));
}

/** Complete a checklist item (its owner or ops; legal items only legal) or a review (with KPI values and health ratings). */
export function completeTask(cmd: CommandOf<'CompleteTask'>, state: ActiveState): Outcome {
  const { taskId, note, review } = cmd.data;
  const found = findOpenTask(state, taskId);
  if (!found.ok) return found;
  const { task } = found;
  if (task.kind === 'gate' || task.kind === 'issue' || task.kind === 'renewal_decision') {
    return reject('invalid_command', `task ${taskId} is not completed with CompleteTask: ${COMPLETED_ELSEWHERE[task.kind]}`, { taskId, kind: task.kind });
  }
  const allowed = task.legal
    ? authorize('complete_legal_task', cmd.metadata.actor, { subject: `task ${taskId}` })
    : authorize('complete_task', cmd.metadata.actor, { taskOwner: task.owner, subject: `task ${taskId}` });
  if (!allowed.ok) return allowed;

  if (task.kind === 'checklist') {
    if (review !== undefined) return reject('invalid_command', `task ${taskId} is a checklist item: only reviews record KPI values and health ratings`);
    const completed = draft('TaskCompleted', { taskId, ...(note === undefined ? {} : { note }) });
    return completesExit(state, taskId) ? accept(completed, ...exitEvents(state, taskId)) : accept(completed);
  }
  const values = review?.kpiValues ?? {};
  const unknown = Object.keys(values).filter((id) => !hasEntry(state.kpis, id));
  if (unknown.length > 0) {
    const known = Object.keys(state.kpis);
    return reject('unknown_kpi', `unknown KPI ${unknown.join(', ')}; the KPIs defined at launch are ${known.length === 0 ? 'none' : known.join(', ')}`, {
      unknown,
    });
  }
  const ref = task.review;
  if (ref === undefined) return reject('invalid_command', `task ${taskId} is not a review`);
  return accept(
    draft('ReviewCompleted', {
      taskId,
      cadence: ref.cadence,
      periodStart: ref.periodStart,
      kpiValues: values,
      healthRatings: review?.healthRatings ?? {},
      ...(review?.summary === undefined ? (note === undefined ? {} : { summary: note }) : { summary: review.summary }),
      ...(review?.recommendation === undefined ? {} : { recommendation: review.recommendation }),
    }),
  );
}

/** Move an open task's due date (ops, with a reason); its ladder is planned again from the new date. */
export function moveDeadline(cmd: CommandOf<'MoveDeadline'>, state: ActiveState): Outcome {
  const { taskId, dueAt, reason } = cmd.data;
  const allowed = authorize('move_deadline', cmd.metadata.actor, { subject: `task ${taskId}` });
  if (!allowed.ok) return allowed;
  const found = findOpenTask(state, taskId);
  if (!found.ok) return found;
  const now = cmd.metadata.now;
  if (!isBefore(now, dueAt))
    return reject('invalid_deadline', `the new due date ${dueAt} is not after now (${now}); pick a date in the future`, { taskId, dueAt });
  if (found.task.dueAt === dueAt) return reject('invalid_deadline', `task ${taskId} is already due at ${dueAt}`, { taskId, dueAt });
  return accept(draft('DeadlineMoved', { taskId, previousDueAt: found.task.dueAt, dueAt, reason }));
}

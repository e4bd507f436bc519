import type { CommandOf } from '../commands';
import { authorize } from '../decision-rights';
import { addDuration, subtractDuration } from '../duration';
import type { Addressee, EscalationLevel, FiredStep, LadderStep, Task } from '../model';
import type { AddresseeRole } from '../policy/schema';
import { compareTimes, isBefore, laterOf } from '../time';
import { escalationId, parseEscalationId } from './ids';
import { accept, draft, reject, type Outcome } from './outcome';
import type { ActiveState, RegisteredBase } from './state';
import { entryOf } from '../records';

/** The next step of a task's ladder and when it is due, or `null` when the ladder has nothing left to fire. */
export interface PlannedStep {
  step: LadderStep;
  at: string;
}

const NEXT_LEVEL: Readonly<Record<EscalationLevel, EscalationLevel | null>> = { overdue: 'L1', L1: 'L2', L2: 'L3', L3: null };

/**
 * Plans the next ladder step from the task and what has fired so far. Steps chain from the previous step's *planned*
 * time, never from when the worker happened to wake, so the ladder keeps exact policy time however late timers fire:
 * reminder at due − lead (not before the ladder was planned) → overdue at due → L1 at overdue + its response time →
 * L2 → L3. An acknowledgement re-arms from the acknowledgement instead. Completing the task ends the ladder.
 */
export function nextLadderStep(task: Task, state: RegisteredBase): PlannedStep | null {
  if (task.status !== 'open') return null;
  const last = task.ladder.fired.at(-1);
  if (last === undefined) {
    const reminderAt = laterOf(subtractDuration(task.dueAt, task.reminderLead), task.ladder.since);
    return isBefore(reminderAt, task.dueAt) ? { step: 'reminder', at: reminderAt } : { step: 'overdue', at: task.dueAt };
  }
  if (last.step === 'reminder') return { step: 'overdue', at: task.dueAt };
  const next = NEXT_LEVEL[last.step];
  if (next === null) return null;
  return { step: next, at: respondBy(last, state) };
}

/** When the addressee of a fired level is expected to have responded: from its acknowledgement if any, else from its planned time. */
function respondBy(fired: FiredStep, state: RegisteredBase): string {
  const level = fired.step as EscalationLevel;
  return addDuration(fired.acknowledgedAt ?? fired.at, state.policy.escalation.ladder[level].responseTime);
}

/** Who a step goes to: reminders and `owner` levels to the task owner, the others to the partnership's named people. */
export function addresseeOf(step: LadderStep, task: Task, state: RegisteredBase): Addressee {
  const role: AddresseeRole = step === 'reminder' ? 'owner' : state.policy.escalation.ladder[step].addressee;
  const ids: Record<AddresseeRole, string> = {
    owner: task.owner,
    pmo_lead: state.profile.pmoLead,
    executive_sponsor: state.profile.executiveSponsor,
    steering_committee: state.profile.steeringCommittee,
  };
  return { role, id: ids[role] };
}

/** The escalation a task currently stands at: its highest fired level, if it has reached `overdue`. */
export function currentEscalation(task: Task): FiredStep | null {
  const last = task.ladder.fired.at(-1);
  return task.status === 'open' && last !== undefined && last.step !== 'reminder' ? last : null;
}

/** System: fire the planned step. Anything but exactly the planned next step is stale and refused without effect. */
export function fireEscalationStep(cmd: CommandOf<'FireEscalationStep'>, state: ActiveState): Outcome {
  const allowed = authorize('run_schedule', cmd.metadata.actor);
  if (!allowed.ok) return allowed;
  const { taskId, step, at } = cmd.data;
  const task = entryOf(state.tasks, taskId);
  if (task === undefined || task.status !== 'open') {
    return reject('stale_command', `nothing to fire: task ${taskId} is ${task === undefined ? 'gone' : task.status}, so its ladder has ended`, { taskId });
  }
  const planned = nextLadderStep(task, state);
  if (planned === null || planned.step !== step || compareTimes(planned.at, at) !== 0) {
    const expected = planned === null ? 'nothing more' : `${planned.step} at ${planned.at}`;
    return reject('stale_command', `step ${step} at ${at} of task ${taskId} is stale: its ladder now expects ${expected}`, { taskId, step, at });
  }
  if (isBefore(cmd.metadata.now, at)) {
    return reject('not_due_yet', `step ${step} of task ${taskId} is due at ${at}, not yet (now is ${cmd.metadata.now})`, { taskId, step, at });
  }
  const addressee = addresseeOf(step, task, state);
  const responseTime = step === 'reminder' ? undefined : state.policy.escalation.ladder[step].responseTime;
  return accept(
    draft('EscalationStepFired', {
      taskId,
      step,
      escalationId: escalationId(taskId, step),
      round: task.ladder.round,
      scheduledAt: at,
      dueAt: task.dueAt,
      addressee,
      reason: reasonFor(step, task, state),
      ...(responseTime === undefined ? {} : { respondBy: addDuration(at, responseTime) }),
    }),
  );
}

/** Acknowledge the escalation a task currently stands at; its level's response time restarts now. */
export function acknowledgeEscalation(cmd: CommandOf<'AcknowledgeEscalation'>, state: ActiveState): Outcome {
  const { escalationId: id } = cmd.data;
  const parsed = parseEscalationId(id);
  const task = parsed === undefined ? undefined : entryOf(state.tasks, parsed.taskId);
  const fired = task?.ladder.fired.find((f) => f.escalationId === id);
  if (task === undefined || fired === undefined) {
    return reject(
      'unknown_escalation',
      `there is no escalation ${id} (escalations are withdrawn when a deadline moves); open escalations are listed in the partnership view`,
      { escalationId: id },
    );
  }
  if (fired.step === 'reminder') {
    return reject('unknown_escalation', `${id} is a reminder, not an escalation: reminders need no acknowledgement`, { escalationId: id });
  }
  const allowed = authorize('acknowledge_escalation', cmd.metadata.actor, { addressee: fired.addressee.id, subject: `escalation ${id}` });
  if (!allowed.ok) return allowed;
  if (task.status !== 'open') {
    return reject('escalation_not_open', `escalation ${id} is closed: task ${task.id} is ${task.status}`, { escalationId: id });
  }
  const current = currentEscalation(task);
  if (current !== null && current.escalationId !== id) {
    return reject('escalation_not_open', `escalation ${id} was superseded by ${current.escalationId}; acknowledge that one instead`, { escalationId: id });
  }
  if (fired.acknowledgedAt !== undefined) {
    return reject('escalation_not_open', `escalation ${id} was already acknowledged at ${fired.acknowledgedAt} by ${fired.acknowledgedBy?.id ?? 'someone'}`, {
      escalationId: id,
    });
  }
  const level = fired.step;
  return accept(
    draft('EscalationAcknowledged', {
      escalationId: id,
      taskId: task.id,
      step: level,
      respondBy: addDuration(cmd.metadata.now, state.policy.escalation.ladder[level].responseTime),
      ...(cmd.data.note === undefined ? {} : { note: cmd.data.note }),
    }),
  );
}

function reasonFor(step: LadderStep, task: Task, state: RegisteredBase): string {
  const what = `${task.title} (${task.id})`;
  if (step === 'reminder') return `${what} is due at ${task.dueAt}`;
  if (step === 'overdue') return `${what} was due at ${task.dueAt} and is not done`;
  const previous = task.ladder.fired.at(-1);
  const by = previous === undefined ? 'the previous level' : `${previous.addressee.id} (${previous.addressee.role})`;
  const level = previous?.step === 'overdue' || previous?.step === 'L1' || previous?.step === 'L2' ? previous.step : 'overdue';
  const window = state.policy.escalation.ladder[level].responseTime;
  const since = previous?.acknowledgedAt === undefined ? '' : ` of acknowledging it at ${previous.acknowledgedAt}`;
  return `${what} was due at ${task.dueAt} and is not done; ${by} did not resolve it within ${window}${since}`;
}

import type { CloudEvent } from '../domain/cloudevent';
import type { Event } from '../domain/events';
import { lifecycleEventOf } from './catalog';
import type { Addressee, LadderStep, TaskKind } from '../domain/model';
import { entryOf, hasEntry, withEntry, withoutEntry } from '../domain/records';

/** An open task as the read models show it. */
export interface OpenTask {
  taskId: string;
  kind: TaskKind;
  title: string;
  owner: string;
  dueAt: string;
  openedAt: string;
}

/**
 * The step a task's ladder stands at: a reminder, or an escalation (acknowledged or awaiting acknowledgement). As in
 * the lifecycle (`currentEscalation`), a task has at most one: a step fired later supersedes the earlier ones.
 */
export interface OpenStep {
  escalationId: string;
  taskId: string;
  step: LadderStep;
  addressee: Addressee;
  firedAt: string;
  respondBy: string | null;
  /** When it was acknowledged; null while it awaits acknowledgement (what an inbox lists). */
  acknowledgedAt: string | null;
}

/** The open work of one partnership, as the lifecycle's `evolve` keeps it: tasks and their unanswered ladder steps. */
export interface Work {
  tasks: Record<string, OpenTask>;
  steps: Record<string, OpenStep>;
}

export const NO_WORK: Work = { tasks: {}, steps: {} };

const withoutTask = (work: Work, taskId: string): Work => {
  if (!hasEntry(work.tasks, taskId)) return work;
  return { tasks: withoutEntry(work.tasks, taskId), steps: Object.fromEntries(Object.entries(work.steps).filter(([, s]) => s.taskId !== taskId)) };
};

/**
 * One step of open work. A task closes on completion, review, gate decision, issue resolution, renewal decision or
 * cancellation, and its steps with it; acknowledging a step clears it; a moved deadline replans the ladder, so its
 * fired steps are gone (as in `evolve`). Steps of tasks this fold never saw open are ignored.
 */
export function foldWork(work: Work, event: Event, at: string): Work {
  switch (event.type) {
    case 'TaskOpened': {
      const { id, kind, title, owner, dueAt } = event.data.task;
      return { ...work, tasks: withEntry(work.tasks, id, { taskId: id, kind, title, owner, dueAt, openedAt: at }) };
    }
    case 'TaskAssigned': {
      const task = entryOf(work.tasks, event.data.taskId);
      return task === undefined ? work : { ...work, tasks: withEntry(work.tasks, event.data.taskId, { ...task, owner: event.data.owner }) };
    }
    case 'DeadlineMoved': {
      const { taskId, dueAt } = event.data;
      const task = entryOf(work.tasks, taskId);
      if (task === undefined) return work;
      const steps = Object.fromEntries(Object.entries(work.steps).filter(([, s]) => s.taskId !== taskId));
      return { tasks: withEntry(work.tasks, taskId, { ...task, dueAt }), steps };
    }
    case 'TaskCompleted':
    case 'ReviewCompleted':
    case 'TaskCancelled':
    case 'GateDecided':
    case 'IssueResolved':
    case 'RenewalDecided':
      return withoutTask(work, event.data.taskId);
    case 'EscalationStepFired': {
      const { taskId, escalationId, step, addressee, respondBy } = event.data;
      if (!hasEntry(work.tasks, taskId)) return work;
      // The new step supersedes the task's earlier ones: one open escalation per task, as the lifecycle counts them.
      const steps = Object.fromEntries(Object.entries(work.steps).filter(([, s]) => s.taskId !== taskId));
      return {
        ...work,
        steps: withEntry(steps, escalationId, { escalationId, taskId, step, addressee, firedAt: at, respondBy: respondBy ?? null, acknowledgedAt: null }),
      };
    }
    case 'EscalationAcknowledged': {
      const acknowledged = entryOf(work.steps, event.data.escalationId);
      if (acknowledged === undefined) return work;
      return {
        ...work,
        steps: withEntry(work.steps, acknowledged.escalationId, {
          ...acknowledged,
          respondBy: event.data.respondBy ?? acknowledged.respondBy,
          acknowledgedAt: at,
        }),
      };
    }
    case 'PartnershipRejected':
    case 'PartnershipExited':
      return NO_WORK;
    default:
      return work;
  }
}

/** The fold of the read models whose doc is a partnership's open work: a registration starts it afresh. */
export function foldOpenWork(doc: Work | null, ce: CloudEvent): Work {
  const event = lifecycleEventOf(ce);
  return foldWork(event.type === 'PartnershipRegistered' ? NO_WORK : (doc ?? NO_WORK), event, ce.time);
}

/** The earliest due date of the open tasks, or null. */
export function nextDeadline(work: Work): string | null {
  let next: string | null = null;
  for (const t of Object.values(work.tasks)) if (next === null || t.dueAt < next) next = t.dueAt;
  return next;
}

/**
 * Open escalations: the step each open task stands at, unless it is a reminder, acknowledged or not. The lifecycle's
 * `openEscalationCount` (and the `OpenEscalations` search attribute) counts the same, one per task.
 */
export function openEscalations(work: Work): OpenStep[] {
  return Object.values(work.steps).filter((s) => s.step !== 'reminder');
}

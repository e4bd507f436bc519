import { addDuration } from '../duration';
import type { EventDraft } from '../events';
import type { ChecklistScope, GateId, Task, TaskSpec } from '../model';
import type { ChecklistItem } from '../policy/schema';
import { checklistTaskId, gateTaskId } from './ids';
import { draft, reject } from './outcome';
import type { ActiveState, RegisteredBase } from './state';
import { entryOf } from '../records';

/** Opens a task. */
export function openTask(task: TaskSpec): EventDraft {
  return draft('TaskOpened', { task });
}

/** Opens one task per checklist item, all due at `dueAt`, owned by the partnership owner until someone assigns them. */
export function openChecklist(state: RegisteredBase, scope: ChecklistScope, items: ReadonlyArray<ChecklistItem>, dueAt: string): EventDraft[] {
  return items.map((item) =>
    openTask({
      id: checklistTaskId(scope, item.id),
      kind: 'checklist',
      title: item.title,
      owner: state.profile.owner,
      legal: item.legal,
      dueAt,
      reminderLead: state.policy.escalation.reminderLead,
      scope,
      itemId: item.id,
    }),
  );
}

/** Strategic gates (DOMAIN.md "Decision rights") are decided by the executive sponsor; the others by ops. */
export function isStrategicGate(gate: GateId): boolean {
  return gate === 'screening' || gate === 'dd.final';
}

/** Opens a gate's decision task: the executive sponsor owns strategic gates, the PMO lead the others. */
export function openGate(state: RegisteredBase, gate: GateId, title: string, dueAt: string): EventDraft {
  return openTask({
    id: gateTaskId(gate),
    kind: 'gate',
    title,
    owner: isStrategicGate(gate) ? state.profile.executiveSponsor : state.profile.pmoLead,
    legal: false,
    dueAt,
    reminderLead: state.policy.escalation.reminderLead,
    gate,
  });
}

/** `at + duration`. */
export function dueAfter(at: string, duration: string): string {
  return addDuration(at, duration);
}

/** Open tasks, in id order so that everything derived from them is deterministic. */
export function openTasks(state: RegisteredBase, predicate: (t: Task) => boolean = () => true): Task[] {
  return Object.values(state.tasks)
    .filter((t) => t.status === 'open' && predicate(t))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** The open checklist items of one checklist. */
export function openChecklistItems(state: RegisteredBase, scope: ChecklistScope): Task[] {
  return openTasks(state, (t) => t.kind === 'checklist' && t.scope === scope);
}

/** Cancels every open task that matches, with a reason the owner will read. */
export function cancelOpenTasks(state: RegisteredBase, reason: string, predicate: (t: Task) => boolean = () => true): EventDraft[] {
  return openTasks(state, predicate).map((t) => draft('TaskCancelled', { taskId: t.id, reason }));
}

/** The task named `taskId` if it is open; otherwise a refusal that says what happened to it. */
export function findOpenTask(state: ActiveState, taskId: string): { ok: true; task: Task } | ReturnType<typeof reject> {
  const task = entryOf(state.tasks, taskId);
  if (task === undefined) {
    const open = openTasks(state).map((t) => t.id);
    return reject('unknown_task', `there is no task ${taskId}; open tasks: ${open.length === 0 ? 'none' : open.join(', ')}`, { taskId });
  }
  if (task.status !== 'open') {
    return reject(
      'task_not_open',
      `task ${taskId} is not open: it was ${task.status === 'done' ? 'completed' : 'cancelled'} at ${task.closedAt ?? task.openedAt}`,
      {
        taskId,
        status: task.status,
      },
    );
  }
  return { ok: true, task };
}

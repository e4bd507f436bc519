import type { CommandOf } from '../commands';
import { authorize } from '../decision-rights';
import { addDuration } from '../duration';
import { isBefore } from '../time';
import { overCap } from './caps';
import { issueId } from './ids';
import { accept, draft, reject, type Outcome } from './outcome';
import type { ActiveState } from './state';
import { openTask } from './tasks';
import { entryOf } from '../records';

/** Raise an issue at any stage: a task due by its severity's resolution time, owned by the PMO lead unless named. */
export function raiseIssue(cmd: CommandOf<'RaiseIssue'>, state: ActiveState): Outcome {
  const allowed = authorize('raise_issue', cmd.metadata.actor);
  if (!allowed.ok) return allowed;
  const { title, severity, description, owner, dueAt } = cmd.data;
  const now = cmd.metadata.now;
  const due = dueAt ?? addDuration(now, state.policy.issues.resolveWithin[severity]);
  if (!isBefore(now, due)) return reject('invalid_deadline', `the issue's due date ${due} is not after now (${now}); pick a date in the future`);
  const full = overCap(state, 'openIssues');
  if (full !== undefined) return full;
  const id = issueId(state.counters.issues + 1);
  return accept(
    draft('IssueRaised', { issueId: id, taskId: id, title, severity, ...(description === undefined ? {} : { description }) }),
    openTask({
      id,
      kind: 'issue',
      title: `Issue (${severity}): ${title}`,
      owner: owner ?? state.profile.pmoLead,
      legal: false,
      dueAt: due,
      reminderLead: state.policy.escalation.reminderLead,
      severity,
    }),
  );
}

/** Resolve an open issue (its owner or ops); its ladder ends. */
export function resolveIssue(cmd: CommandOf<'ResolveIssue'>, state: ActiveState): Outcome {
  const { issueId: id, resolution } = cmd.data;
  const task = entryOf(state.tasks, id);
  if (task === undefined || task.kind !== 'issue') {
    return reject('unknown_issue', `there is no issue ${id}; open issues are listed among the open tasks (kind "issue")`, { issueId: id });
  }
  const allowed = authorize('resolve_issue', cmd.metadata.actor, { taskOwner: task.owner, subject: `issue ${id}` });
  if (!allowed.ok) return allowed;
  if (task.status !== 'open')
    return reject('task_not_open', `issue ${id} is not open: it was ${task.status === 'done' ? 'resolved' : 'cancelled'} at ${task.closedAt ?? ''}`, {
      issueId: id,
    });
  return accept(draft('IssueResolved', { issueId: id, taskId: id, resolution }));
}

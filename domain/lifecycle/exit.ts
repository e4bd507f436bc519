import type { CommandOf } from '../commands';
import { authorize } from '../decision-rights';
import { addDuration } from '../duration';
import type { EventDraft } from '../events';
import type { Task } from '../model';
import { compareTimes, isBefore } from '../time';
import { accept, draft, reject, wrongStage, type Outcome } from './outcome';
import type { ActiveState, RegisteredBase, StateOf } from './state';
import { cancelOpenTasks, openChecklist, openChecklistItems } from './tasks';

/** Serving notice: reviews and any pending renewal decision stop, the notice period starts, the wind-down checklist opens. */
export function noticeEvents(state: RegisteredBase, now: string, reason: string, noticePeriod: string, exceptTaskId?: string): EventDraft[] {
  const noticeEndsAt = addDuration(now, noticePeriod);
  const stops = (t: Task) => (t.kind === 'review' || t.kind === 'renewal_decision') && t.id !== exceptTaskId;
  return [
    ...cancelOpenTasks(state, 'notice was served: the partnership is winding down', stops),
    draft('NoticeServed', { reason, noticeEndsAt }),
    ...openChecklist(state, 'exit', state.policy.exit.windDown, noticeEndsAt),
  ];
}

/** The partnership exits: whatever is still open (issues, say) is cancelled. */
export function exitEvents(state: StateOf<'exit'>, exceptTaskId?: string): EventDraft[] {
  return [...cancelOpenTasks(state, 'the partnership has exited', (t) => t.id !== exceptTaskId), draft('PartnershipExited', { reason: state.exit.reason })];
}

/** True when completing `taskId` finishes the wind-down after the notice period has ended, so the partnership exits. */
export function completesExit(state: ActiveState, taskId: string): state is StateOf<'exit'> {
  if (state.stage !== 'exit' || !state.exit.noticeEnded) return false;
  const open = openChecklistItems(state, 'exit');
  return open.length === 1 && open[0]?.id === taskId;
}

/** Serve notice of exit (executive). Possible once the partnership is live. */
export function serveNotice(cmd: CommandOf<'ServeNotice'>, state: ActiveState): Outcome {
  const allowed = authorize('serve_notice', cmd.metadata.actor);
  if (!allowed.ok) return allowed;
  if (state.stage === 'exit') {
    return wrongStage('serving notice', state, `notice was already served at ${state.exit.servedAt}; the notice period ends at ${state.exit.noticeEndsAt}`);
  }
  if ((state.stage !== 'optimization' && state.stage !== 'renewal') || state.contract === null) {
    return wrongStage('serving notice', state, 'notice ends a live partnership; before launch, reject it at its gate');
  }
  const period = cmd.data.noticePeriod ?? state.contract.noticePeriod;
  return accept(...noticeEvents(state, cmd.metadata.now, cmd.data.reason, period));
}

/** System: the notice period is over; the partnership exits now if the wind-down is complete, otherwise when it is. */
export function endNoticePeriod(cmd: CommandOf<'EndNoticePeriod'>, state: ActiveState): Outcome {
  const allowed = authorize('run_schedule', cmd.metadata.actor);
  if (!allowed.ok) return allowed;
  const { noticeEndsAt } = cmd.data;
  if (state.stage !== 'exit' || state.exit.noticeEnded || compareTimes(state.exit.noticeEndsAt, noticeEndsAt) !== 0) {
    return reject('stale_command', `no notice period ends at ${noticeEndsAt}: the partnership is in ${state.stage}`, { noticeEndsAt });
  }
  if (isBefore(cmd.metadata.now, noticeEndsAt)) {
    return reject('not_due_yet', `the notice period ends at ${noticeEndsAt}, not yet (now is ${cmd.metadata.now})`, { noticeEndsAt });
  }
  const ended = draft('NoticePeriodEnded', { noticeEndsAt });
  return openChecklistItems(state, 'exit').length === 0 ? accept(ended, ...exitEvents(state)) : accept(ended);
}

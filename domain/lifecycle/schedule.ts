import type { CommandOf, SystemCommand } from '../commands';
import { SYSTEM_ACTOR } from '../roles';
import { reviewCadenceSchema } from '../policy/schema';
import { toMs } from '../time';
import { nextLadderStep } from './escalation';
import { reviewOpensAt, reviewsRun } from './optimization';
import { renewalWindowOpensAt } from './renewal';
import { isClosed, type State } from './state';
import { openTasks } from './tasks';

/** A system command and the instant it becomes due. */
export interface ScheduledCommand {
  at: string;
  command: SystemCommand;
}

// At the same instant, stage changes go first so that anything they make moot is refused as stale, not acted on.
const ORDER: ReadonlyArray<SystemCommand['type']> = ['EndNoticePeriod', 'ApplyAutoRenew', 'OpenRenewalWindow', 'OpenReview', 'FireEscalationStep'];

/**
 * Everything time-driven the lifecycle needs fired next, earliest first: the next ladder step of every open task, the
 * next review opening per cadence, the renewal window, auto-renew at the end of a term, the end of the notice period.
 * Each command is stamped with the system actor and `now = at`; the workflow sleeps until the earliest `at`, decides it
 * (with its own clock as `now`), applies the events and asks again. A step already fired is never returned, and
 * firing one twice is refused as stale, so a replayed or doubled timer changes nothing.
 */
export function scheduledCommands(state: State): ScheduledCommand[] {
  if (state.stage === 'unregistered' || isClosed(state)) return [];
  const out: Array<ScheduledCommand & { key: string }> = [];
  const push = <T extends SystemCommand['type']>(at: string, type: T, data: CommandOf<T>['data'], key: string) =>
    out.push({ at, key, command: { type, data, metadata: { actor: SYSTEM_ACTOR, now: at } } as SystemCommand });

  for (const task of openTasks(state)) {
    const next = nextLadderStep(task, state);
    if (next !== null) push(next.at, 'FireEscalationStep', { taskId: task.id, step: next.step, at: next.at }, task.id);
  }
  if (reviewsRun(state) && state.reviews !== null) {
    for (const cadence of reviewCadenceSchema.options) {
      const periodStart = state.reviews[cadence];
      push(reviewOpensAt(state, cadence, periodStart), 'OpenReview', { cadence, periodStart }, cadence);
    }
  }
  if (state.stage === 'optimization' && state.contract !== null) {
    push(renewalWindowOpensAt(state, state.contract), 'OpenRenewalWindow', { termEnd: state.contract.end }, '');
  }
  if (state.stage === 'renewal' && state.contract !== null && state.contract.autoRenew) {
    push(state.contract.end, 'ApplyAutoRenew', { termEnd: state.contract.end }, '');
  }
  if (state.stage === 'exit' && !state.exit.noticeEnded) {
    push(state.exit.noticeEndsAt, 'EndNoticePeriod', { noticeEndsAt: state.exit.noticeEndsAt }, '');
  }
  return out
    .sort((a, b) => toMs(a.at) - toMs(b.at) || ORDER.indexOf(a.command.type) - ORDER.indexOf(b.command.type) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ at, command }) => ({ at, command }));
}

/** The earliest scheduled command, or `null` when nothing is waiting on time. */
export function nextScheduledCommand(state: State): ScheduledCommand | null {
  return scheduledCommands(state)[0] ?? null;
}

import type { CommandOf } from '../commands';
import { authorize } from '../decision-rights';
import { addDuration } from '../duration';
import type { ReviewCadence } from '../policy/schema';
import { compareTimes, isBefore } from '../time';
import { reviewTaskId } from './ids';
import { accept, reject, type Outcome } from './outcome';
import type { ActiveState, RegisteredBase } from './state';
import { openTask } from './tasks';

/** When the review of the period starting at `periodStart` opens: when that period ends. */
export function reviewOpensAt(state: RegisteredBase, cadence: ReviewCadence, periodStart: string): string {
  return addDuration(periodStart, state.policy.reviews[cadence].every);
}

/** Whether reviews run in this stage: from launch until notice is served. */
export function reviewsRun(state: ActiveState): boolean {
  return (state.stage === 'optimization' || state.stage === 'renewal') && state.reviews !== null;
}

/** System: open the review of one period; it is due a completion window later and climbs the ladder like any task. */
export function openReview(cmd: CommandOf<'OpenReview'>, state: ActiveState): Outcome {
  const allowed = authorize('run_schedule', cmd.metadata.actor);
  if (!allowed.ok) return allowed;
  const { cadence, periodStart } = cmd.data;
  if (!reviewsRun(state) || state.reviews === null) {
    return reject('stale_command', `no review opens now: reviews run in optimization and renewal, and the partnership is in ${state.stage}`);
  }
  const next = state.reviews[cadence];
  if (compareTimes(next, periodStart) !== 0) {
    return reject('stale_command', `the ${cadence} review of the period from ${periodStart} is stale: the next ${cadence} period starts at ${next}`, {
      cadence,
      periodStart,
    });
  }
  const spec = state.policy.reviews[cadence];
  const periodEnd = reviewOpensAt(state, cadence, periodStart);
  if (isBefore(cmd.metadata.now, periodEnd)) {
    return reject('not_due_yet', `the ${cadence} review opens at ${periodEnd}, not yet (now is ${cmd.metadata.now})`, { cadence, periodStart });
  }
  const id = reviewTaskId(cadence, periodStart, spec.every);
  return accept(
    openTask({
      id,
      kind: 'review',
      title: `${spec.title} (${id.slice(`review.${cadence}.`.length)})`,
      owner: state.profile.pmoLead,
      legal: false,
      dueAt: addDuration(periodEnd, spec.completionWindow),
      reminderLead: spec.reminderLead,
      review: { cadence, periodStart, periodEnd },
    }),
  );
}

import type { CommandOf } from '../commands';
import { authorize } from '../decision-rights';
import type { Recommendation } from '../events';
import type { EffectivePolicy } from '../policy/resolve';
import { accept, draft, reject, wrongStage, type Outcome } from './outcome';
import type { ActiveState } from './state';
import { entryOf, hasEntry } from '../records';

/** Per-criterion averages over evaluators, the weighted composite (1.0–5.0) and the policy's recommendation. */
export function scoreScreening(
  scores: Readonly<Record<string, Readonly<Record<string, number>>>>,
  policy: Pick<EffectivePolicy, 'screening'>,
): { averages: Record<string, number>; composite: number; recommendation: Recommendation } {
  const sheets = Object.values(scores);
  const averages: Record<string, number> = {};
  let composite = 0;
  for (const criterion of policy.screening.criteria) {
    const given = sheets.map((s) => entryOf(s, criterion.id)).filter((v): v is number => v !== undefined);
    const average = given.reduce((a, b) => a + b, 0) / given.length;
    averages[criterion.id] = round(average);
    composite += criterion.weight * average;
  }
  // Rounded so 0.3 × 4 + … lands on 3.9, not 3.9000000000000004, and the threshold comparison means what it says.
  const value = round(composite);
  const { advance, reject: rejectBelow } = policy.screening.thresholds;
  const recommendation: Recommendation = value >= advance ? 'advance' : value < rejectBelow ? 'reject' : 'decide_by_hand';
  return { averages, composite: value, recommendation };
}

/** An evaluator scores every criterion 1–5; averages, composite and recommendation are recomputed. */
export function submitScreeningScore(cmd: CommandOf<'SubmitScreeningScore'>, state: ActiveState): Outcome {
  const { evaluator, scores } = cmd.data;
  const allowed = authorize('submit_screening_score', cmd.metadata.actor, { evaluator, subject: `scores of ${evaluator}` });
  if (!allowed.ok) return allowed;
  if (state.stage !== 'screening') return wrongStage('scoring', state, 'screening ended when its gate was decided');
  const criteria = state.policy.screening.criteria.map((c) => c.id);
  const unknown = Object.keys(scores).filter((k) => !criteria.includes(k));
  const missing = criteria.filter((c) => !hasEntry(scores, c));
  if (unknown.length > 0 || missing.length > 0) {
    const problems = [
      ...(unknown.length > 0 ? [`unknown criteria ${unknown.join(', ')}`] : []),
      ...(missing.length > 0 ? [`missing ${missing.join(', ')}`] : []),
    ];
    return reject('invalid_scores', `score every criterion exactly once (${criteria.join(', ')}): ${problems.join('; ')}`, { unknown, missing });
  }
  const result = scoreScreening({ ...state.screening.scores, [evaluator]: scores }, state.policy);
  return accept(draft('ScreeningScoreSubmitted', { evaluator, scores, ...result }));
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

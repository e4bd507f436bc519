import { z } from 'zod';
import { describeIssues } from '../errors';
import { scaleDuration, sumDurations } from '../duration';
import { INPUT_LIMITS, maxChars, maxItems } from '../limits';
import {
  mergeOverride,
  partnershipKindSchema,
  policyBodyOf,
  policyBodySchema,
  timelineModifierSchema,
  type PartnershipKind,
  type Policy,
  type PolicyBody,
  type TimedPhase,
  type TimelineModifier,
} from './schema';

/** A policy resolved for one partnership: kind override merged, modifiers applied. This is what gets pinned at registration. */
export const effectivePolicySchema = policyBodySchema.extend({
  version: maxChars(INPUT_LIMITS.name).min(1),
  kind: partnershipKindSchema,
  modifiers: maxItems(timelineModifierSchema, INPUT_LIMITS.list),
});
export type EffectivePolicy = z.infer<typeof effectivePolicySchema>;

/**
 * Resolves `policy` for a partnership of `kind` carrying `modifiers`. Pure and deterministic: modifiers apply in their
 * canonical order whatever order they were given in, all factors first, then all additions.
 */
export function resolvePolicy(policy: Policy, profile: { kind: PartnershipKind; modifiers: ReadonlyArray<TimelineModifier> }): EffectivePolicy {
  const merged = policyBodySchema.safeParse(mergeOverride(policyBodyOf(policy), policy.kinds[profile.kind] ?? {}));
  // Unreachable for a policy that went through policySchema, which checks every override; a hand-built one may not have.
  if (!merged.success) throw new RangeError(`policy ${policy.version}: ${describeIssues(merged.error.issues, ['kinds', profile.kind])}`);
  const modifiers = timelineModifierSchema.options.filter((m) => profile.modifiers.includes(m));
  const body = applyModifiers(merged.data, modifiers, policy);
  return { ...body, version: policy.version, kind: profile.kind, modifiers };
}

function applyModifiers(body: PolicyBody, modifiers: ReadonlyArray<TimelineModifier>, policy: Policy): PolicyBody {
  const adjust = (phase: TimedPhase, duration: string): string => {
    const rules = modifiers.map((m) => policy.modifiers[m]).filter((r) => r !== undefined && r.appliesTo.includes(phase));
    if (rules.length === 0) return duration;
    const factor = rules.reduce((acc, r) => acc * (r?.factor ?? 1), 1);
    const scaled = factor === 1 ? duration : scaleDuration(duration, factor);
    return rules.reduce((acc, r) => (r?.add === undefined ? acc : sumDurations(acc, r.add)), scaled);
  };
  const { phases } = body.dueDiligence;
  return {
    ...body,
    screening: { ...body.screening, evaluationWindow: adjust('screening', body.screening.evaluationWindow) },
    dueDiligence: {
      phases: {
        preliminary: { ...phases.preliminary, duration: adjust('dd.preliminary', phases.preliminary.duration) },
        detailed: { ...phases.detailed, duration: adjust('dd.detailed', phases.detailed.duration) },
        final: { ...phases.final, duration: adjust('dd.final', phases.final.duration) },
      },
    },
    launch: { ...body.launch, duration: adjust('launch', body.launch.duration) },
  };
}

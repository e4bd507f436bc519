import { NOT_BLANK } from '../limits';
import { z } from 'zod';
import { describeIssues } from '../errors';
import { durationSchema, positiveDurationSchema } from '../duration';
import { INPUT_LIMITS, maxChars, maxItems } from '../limits';
import { entryOf, withEntry } from '../records';

/** Partnership kinds a policy can be specialised for (DOMAIN.md "Partnership kinds"). */
export const partnershipKindSchema = z.enum(['technology', 'business_development', 'alliance']);
export type PartnershipKind = z.infer<typeof partnershipKindSchema>;

/** Timeline modifiers (DOMAIN.md "Timeline modifiers") a partnership can carry. */
export const timelineModifierSchema = z.enum(['cross_border', 'regulated', 'joint_venture', 'pre_existing_relationship', 'high_complexity']);
export type TimelineModifier = z.infer<typeof timelineModifierSchema>;

/** The three due-diligence phases, in order. */
export const ddPhaseSchema = z.enum(['preliminary', 'detailed', 'final']);
export type DdPhase = z.infer<typeof ddPhaseSchema>;

/** The stretches of the lifecycle whose length the timeline modifiers scale. */
/** The phases with a duration, each closed by a gate of the same name (`gateIdSchema`). */
export const timedPhaseSchema = z.enum(['screening', 'dd.preliminary', 'dd.detailed', 'dd.final', 'launch']);
export type TimedPhase = z.infer<typeof timedPhaseSchema>;

/** Review cadences of the optimization stage. */
export const reviewCadenceSchema = z.enum(['monthly', 'quarterly', 'annual']);
export type ReviewCadence = z.infer<typeof reviewCadenceSchema>;

/** Who an escalation level goes to. */
export const addresseeRoleSchema = z.enum(['owner', 'pmo_lead', 'executive_sponsor', 'steering_committee']);
export type AddresseeRole = z.infer<typeof addresseeRoleSchema>;

/** Severity of a raised issue. */
export const issueSeveritySchema = z.enum(['low', 'medium', 'high', 'critical']);
export type IssueSeverity = z.infer<typeof issueSeveritySchema>;

/** A slug: lower-case words joined by `-`. `SLUG_PATTERN` is its regular expression's source, for ids built from slugs. */
export const SLUG_PATTERN = '[a-z0-9]+(?:-[a-z0-9]+)*';

/**
 * Ids that end up inside task ids (checklist items, criteria, KPIs): lower-case words joined by `-`. No property that
 * every object inherits is one except `constructor`, and lookups by id check own entries (`domain/records.ts`).
 */
export const slugSchema = maxChars(INPUT_LIMITS.id).regex(new RegExp(`^${SLUG_PATTERN}$`), 'lower-case words joined by "-", e.g. financial-performance');

const title = maxChars(INPUT_LIMITS.name).trim().regex(NOT_BLANK, 'give it a title');

/** One item of a checklist; `legal` items can only be signed off by legal. */
export const checklistItemSchema = z.strictObject({ id: slugSchema, title, legal: z.boolean().default(false) });
export type ChecklistItem = z.infer<typeof checklistItemSchema>;

const checklist = maxItems(checklistItemSchema, INPUT_LIMITS.checklistItems)
  .min(1, 'list at least one item')
  .superRefine((items, ctx) => uniqueIds(items, ctx));

/** One screening criterion with its weight (a fraction; all weights sum to 1). */
export const criterionSchema = z.strictObject({
  id: slugSchema,
  title,
  weight: z.number().gt(0, 'weights are fractions above 0').max(1, 'weights are fractions of 1'),
  covers: maxChars(INPUT_LIMITS.text).default(''),
});
export type Criterion = z.infer<typeof criterionSchema>;

const score = z.number().min(1, 'scores run from 1 to 5').max(5, 'scores run from 1 to 5');

/** The weighted decision matrix that turns 1–5 scores into a composite and a recommendation. */
export const screeningPolicySchema = z.strictObject({
  criteria: maxItems(criterionSchema, INPUT_LIMITS.criteria)
    .min(1, 'list at least one criterion')
    .superRefine((criteria, ctx) => {
      uniqueIds(criteria, ctx);
      const sum = criteria.reduce((acc, c) => acc + c.weight, 0);
      if (Math.abs(sum - 1) > 1e-9) {
        ctx.addIssue({ code: 'custom', message: `weights must sum to 1; they sum to ${Number(sum.toFixed(6))}` });
      }
    }),
  thresholds: z.strictObject({ advance: score, reject: score }).refine((t) => t.reject <= t.advance, {
    message: 'the reject threshold must not be above the advance threshold',
    path: ['reject'],
  }),
  evaluationWindow: durationSchema,
  gateDecisionWithin: durationSchema,
});

/** One due-diligence phase: a checklist due at the end of `duration`, then its gate. */
export const ddPhasePolicySchema = z.strictObject({
  title,
  duration: durationSchema,
  items: checklist,
  gateDecisionWithin: durationSchema,
});

/** One review cadence: a review task opens every `every`, due `completionWindow` later, reminded `reminderLead` before. */
export const reviewPolicySchema = z.strictObject({
  title,
  every: positiveDurationSchema,
  reminderLead: durationSchema,
  completionWindow: positiveDurationSchema,
  covers: maxItems(maxChars(INPUT_LIMITS.name), INPUT_LIMITS.list).default([]),
});

/** One rung of the escalation ladder. */
export const ladderLevelPolicySchema = z.strictObject({ addressee: addresseeRoleSchema, responseTime: positiveDurationSchema });

/** Everything in a policy that a partnership-kind override may change. */
export const policyBodySchema = z.strictObject({
  screening: screeningPolicySchema,
  dueDiligence: z.strictObject({
    phases: z.strictObject({ preliminary: ddPhasePolicySchema, detailed: ddPhasePolicySchema, final: ddPhasePolicySchema }),
  }),
  launch: z.strictObject({ duration: durationSchema, items: checklist, gateDecisionWithin: durationSchema }),
  reviews: z.strictObject({ monthly: reviewPolicySchema, quarterly: reviewPolicySchema, annual: reviewPolicySchema }),
  escalation: z.strictObject({
    reminderLead: durationSchema,
    ladder: z.strictObject({ overdue: ladderLevelPolicySchema, L1: ladderLevelPolicySchema, L2: ladderLevelPolicySchema, L3: ladderLevelPolicySchema }),
  }),
  issues: z.strictObject({
    resolveWithin: z.strictObject({
      low: positiveDurationSchema,
      medium: positiveDurationSchema,
      high: positiveDurationSchema,
      critical: positiveDurationSchema,
    }),
  }),
  renewal: z.strictObject({ leadTime: durationSchema, decisionWithin: positiveDurationSchema, autoRenewTerm: positiveDurationSchema }),
  contract: z.strictObject({ noticePeriod: durationSchema }),
  exit: z.strictObject({ windDown: checklist }),
});
export type PolicyBody = z.infer<typeof policyBodySchema>;

/** How one timeline modifier changes phase lengths: multiply by `factor`, then add `add`. */
export const modifierRuleSchema = z
  .strictObject({
    factor: z.number().positive('a factor scales a length, so it must be above 0').optional(),
    add: durationSchema.optional(),
    appliesTo: maxItems(timedPhaseSchema, INPUT_LIMITS.list).min(1, 'name the phases it changes'),
    why: maxChars(INPUT_LIMITS.text).optional(),
  })
  .refine((r) => r.factor !== undefined || r.add !== undefined, { message: 'give a factor, an add, or both' });
export type ModifierRule = z.infer<typeof modifierRuleSchema>;

/** A partial policy body: objects merge field by field, lists and values replace. */
export type PolicyOverride = DeepPartial<z.input<typeof policyBodySchema>>;
type DeepPartial<T> = T extends ReadonlyArray<unknown> ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

const overrideSchema = z.custom<PolicyOverride>((v) => isPlainObject(v), { message: 'expected an object of policy fields to override' });

/**
 * A policy: the rules a partnership lives by, as data. `version` names it; the resolved policy is pinned to a
 * partnership at registration, so editing the file never changes a running lifecycle.
 */
export const policySchema = policyBodySchema
  .extend({
    version: maxChars(INPUT_LIMITS.name).trim().regex(NOT_BLANK, 'name the policy version, e.g. 2027-01'),
    kinds: z
      .strictObject({
        technology: overrideSchema.optional(),
        business_development: overrideSchema.optional(),
        alliance: overrideSchema.optional(),
      })
      .default({}),
    modifiers: z
      .strictObject({
        cross_border: modifierRuleSchema.optional(),
        regulated: modifierRuleSchema.optional(),
        joint_venture: modifierRuleSchema.optional(),
        pre_existing_relationship: modifierRuleSchema.optional(),
        high_complexity: modifierRuleSchema.optional(),
      })
      .default({}),
  })
  .superRefine((policy, ctx) => {
    // An override is checked as the whole policy it produces, so a bad override fails when the file loads, not at
    // registration. Refinements run even when the body has failed; its problems are reported once, not once per kind.
    if (!policyBodySchema.safeParse(policyBodyOf(policy)).success) return;
    for (const kind of partnershipKindSchema.options) {
      const override = policy.kinds[kind];
      if (override === undefined) continue;
      const merged = policyBodySchema.safeParse(mergeOverride(policyBodyOf(policy), override));
      if (!merged.success) {
        for (const issue of merged.error.issues) {
          ctx.addIssue({ code: 'custom', message: issue.message, path: ['kinds', kind, ...issue.path] });
        }
      }
    }
  });
export type Policy = z.infer<typeof policySchema>;
/** A policy as written in a file, before defaults are filled in. */
export type PolicyInput = z.input<typeof policySchema>;

/** Validates a policy; the error message names every field at fault, e.g. `screening.criteria: weights must sum to 1…`. */
export function parsePolicy(input: unknown): { ok: true; policy: Policy } | { ok: false; message: string } {
  const parsed = policySchema.safeParse(input);
  return parsed.success ? { ok: true, policy: parsed.data } : { ok: false, message: describeIssues(parsed.error.issues) };
}

/** The policy without its version, kind overrides and modifier rules. */
export function policyBodyOf(policy: Policy): PolicyBody {
  const { version: _version, kinds: _kinds, modifiers: _modifiers, ...body } = policy;
  return body;
}

/** Deep-merges an override into a body: objects field by field, lists and values replaced. */
export function mergeOverride(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  let out: Record<string, unknown> = { ...base };
  // Own entries only: an override's `__proto__` or `constructor` is a key like any other (and the schema refuses it).
  for (const [key, value] of Object.entries(override)) {
    if (value !== undefined) out = withEntry(out, key, mergeOverride(entryOf(base, key), value));
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function uniqueIds(items: ReadonlyArray<{ id: string }>, ctx: z.core.$RefinementCtx): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.id)) ctx.addIssue({ code: 'custom', message: `duplicate id "${item.id}"`, path: [index, 'id'] });
    seen.add(item.id);
  });
}

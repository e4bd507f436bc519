import { z } from 'zod';
import { recommendationSchema } from '../events';
import {
  contractSchema,
  gateIdSchema,
  healthRatingsSchema,
  kpiSchema,
  partnershipIdSchema,
  profileSchema,
  ratingSchema,
  riskSchema,
  taskSchema,
} from '../model';
import { effectivePolicySchema } from '../policy/resolve';
import { ddPhaseSchema } from '../policy/schema';
import { actorSchema } from '../roles';
import { isoTimeSchema } from '../time';

export { profileSchema };
export type Profile = z.infer<typeof profileSchema>;

/** Screening scores per evaluator per criterion, their per-criterion averages, the composite and the recommendation. */
export const screeningStateSchema = z.object({
  scores: z.record(z.string(), z.record(z.string(), ratingSchema)),
  averages: z.record(z.string(), z.number()),
  composite: z.number().nullable(),
  recommendation: recommendationSchema.nullable(),
});
export type ScreeningState = z.infer<typeof screeningStateSchema>;

/** The start of the next period to be reviewed, per cadence. */
export const reviewScheduleSchema = z.object({ monthly: isoTimeSchema, quarterly: isoTimeSchema, annual: isoTimeSchema });
export type ReviewSchedule = z.infer<typeof reviewScheduleSchema>;

const registeredSchema = z.object({
  partnershipId: partnershipIdSchema,
  profile: profileSchema,
  /** The resolved policy pinned at registration; `policy.version` is the version in force. */
  policy: effectivePolicySchema,
  /** Sequence of the last event applied; `evolve` increments it. */
  sequence: z.number().int().positive(),
  registeredAt: isoTimeSchema,
  updatedAt: isoTimeSchema,
  /** Open tasks, plus the closed ones of the current stage (pruned when the stage or contract term changes). */
  tasks: z.record(z.string(), taskSchema),
  screening: screeningStateSchema,
  gateDecisions: z.array(z.object({ gate: gateIdSchema, outcome: z.enum(['advance', 'reject']), rationale: z.string(), at: isoTimeSchema, by: actorSchema })),
  risks: z.record(z.string(), riskSchema),
  kpis: z.record(z.string(), kpiSchema),
  health: z.object({ ratings: healthRatingsSchema, ratedAt: isoTimeSchema }).nullable(),
  contract: contractSchema.nullable(),
  /** Contract terms started so far (1 at launch, +1 per renewal). */
  terms: z.number().int().nonnegative(),
  reviews: reviewScheduleSchema.nullable(),
  /** Sources of deterministic ids (`finding.3`, `risk.7`, `issue.2`). */
  counters: z.object({ findings: z.number().int().nonnegative(), risks: z.number().int().nonnegative(), issues: z.number().int().nonnegative() }),
});

const exitInfoSchema = z.object({ reason: z.string(), servedAt: isoTimeSchema, noticeEndsAt: isoTimeSchema, noticeEnded: z.boolean() });

/** Lifecycle state: a discriminated union on `stage`. */
export const stateSchema = z.discriminatedUnion('stage', [
  z.object({ stage: z.literal('unregistered'), sequence: z.literal(0) }),
  registeredSchema.extend({ stage: z.literal('screening') }),
  registeredSchema.extend({ stage: z.literal('due_diligence'), phase: ddPhaseSchema }),
  registeredSchema.extend({ stage: z.literal('launch') }),
  registeredSchema.extend({ stage: z.literal('optimization') }),
  registeredSchema.extend({ stage: z.literal('renewal'), renewal: z.object({ termEnd: isoTimeSchema, taskId: z.string(), openedAt: isoTimeSchema }) }),
  registeredSchema.extend({ stage: z.literal('exit'), exit: exitInfoSchema }),
  registeredSchema.extend({
    stage: z.literal('rejected'),
    rejected: z.object({ gate: gateIdSchema, rationale: z.string(), at: isoTimeSchema, by: actorSchema }),
  }),
  registeredSchema.extend({ stage: z.literal('exited'), exit: exitInfoSchema, exitedAt: isoTimeSchema }),
]);
export type State = z.infer<typeof stateSchema>;
export type Stage = State['stage'];
export type StateOf<S extends Stage> = Extract<State, { stage: S }>;
/** The fields every registered partnership has, whatever its stage. */
export type RegisteredBase = z.infer<typeof registeredSchema>;
/** A partnership that can still act. */
export type ActiveState = StateOf<'screening' | 'due_diligence' | 'launch' | 'optimization' | 'renewal' | 'exit'>;
/** A partnership whose lifecycle has ended. */
export type ClosedState = StateOf<'rejected' | 'exited'>;
export type RegisteredState = ActiveState | ClosedState;

/** Before the first event. */
export const initialState: State = Object.freeze({ stage: 'unregistered', sequence: 0 });

/** True once the lifecycle has ended (rejected or exited). */
export function isClosed(state: State): state is ClosedState {
  return state.stage === 'rejected' || state.stage === 'exited';
}

/** `due_diligence (phase detailed)`, `optimization`… for messages. */
export function describeStage(state: State): string {
  return state.stage === 'due_diligence' ? `due_diligence (phase ${state.phase})` : state.stage;
}

/** The registered fields without the stage-specific ones, for moving to another stage. */
export function baseOf(state: RegisteredState): RegisteredBase {
  const {
    partnershipId,
    profile,
    policy,
    sequence,
    registeredAt,
    updatedAt,
    tasks,
    screening,
    gateDecisions,
    risks,
    kpis,
    health,
    contract,
    terms,
    reviews,
    counters,
  } = state;
  return {
    partnershipId,
    profile,
    policy,
    sequence,
    registeredAt,
    updatedAt,
    tasks,
    screening,
    gateDecisions,
    risks,
    kpis,
    health,
    contract,
    terms,
    reviews,
    counters,
  };
}

import { gateIdSchema } from '../../domain/model';
import { addDuration, sumDurations } from '../../domain/duration';
import type { EffectivePolicy, PartnershipKind } from '../../domain/policy';
import { partnershipKindSchema } from '../../domain/policy';
import { LIFECYCLE_EVENTS, lifecycleEventOf } from '../catalog';
import { indexKey } from '../runner/keys';
import type { IndexOp, Projection } from '../runner/projection';
import type { ReadModelReader } from '../runner/reader';
import { scored } from '../runner/entries';

/** Name of the cycle-times read model. */
export const CYCLE_TIMES = 'cycle-times';

/** The timed phases: screening, each due-diligence phase, launch. */
export const PHASES = gateIdSchema.options;
export type Phase = (typeof PHASES)[number];

/**
 * The SLA of each phase from the policy pinned at registration: its working time (screening's evaluation window, a
 * phase's or the launch's duration) plus the time its gate may take to decide.
 */
export function phaseSlas(policy: EffectivePolicy): Record<Phase, string> {
  const p = policy.dueDiligence.phases;
  return {
    screening: sumDurations(policy.screening.evaluationWindow, policy.screening.gateDecisionWithin),
    'dd.preliminary': sumDurations(p.preliminary.duration, p.preliminary.gateDecisionWithin),
    'dd.detailed': sumDurations(p.detailed.duration, p.detailed.gateDecisionWithin),
    'dd.final': sumDurations(p.final.duration, p.final.gateDecisionWithin),
    launch: sumDurations(policy.launch.duration, policy.launch.gateDecisionWithin),
  };
}

/** A completed phase: how long it took and whether within its SLA. */
export interface PhaseTime {
  ms: number;
  withinSla: boolean;
}

export interface CycleTimesDoc {
  kind: PartnershipKind;
  slas: Record<Phase, string>;
  current: { phase: Phase; since: string } | null;
  completed: Partial<Record<Phase, PhaseTime>>;
}

const durationsKey = (kind: string, phase: string) => `durations:${kind}:${phase}`;
const slaKey = (kind: string, phase: string) => `within-sla:${kind}:${phase}`;

function close(doc: CycleTimesDoc, at: string): CycleTimesDoc {
  if (doc.current === null) return doc;
  const { phase, since } = doc.current;
  const ms = Date.parse(at) - Date.parse(since);
  const withinSla = Date.parse(at) <= Date.parse(addDuration(since, doc.slas[phase]));
  return { ...doc, current: null, completed: { ...doc.completed, [phase]: { ms, withinSla } } };
}

/**
 * Cycle times: a phase runs from the event that starts it to the one that starts the next (or ends the lifecycle:
 * rejection, optimization). Each completed phase is written to per-kind sorted sets, so percentiles are computed at
 * query time from the stored durations.
 */
export const cycleTimesProjection: Projection<CycleTimesDoc> = {
  name: CYCLE_TIMES,
  events: LIFECYCLE_EVENTS,
  fold(doc, ce) {
    const event = lifecycleEventOf(ce);
    const at = ce.time;
    if (event.type === 'PartnershipRegistered') {
      return { kind: event.data.kind, slas: phaseSlas(event.data.policy), current: { phase: 'screening', since: at }, completed: {} };
    }
    if (doc === null) return null;
    switch (event.type) {
      case 'DueDiligencePhaseStarted':
        return { ...close(doc, at), current: { phase: `dd.${event.data.phase}`, since: at } };
      case 'LaunchStarted':
        return { ...close(doc, at), current: { phase: 'launch', since: at } };
      case 'OptimizationStarted':
      case 'PartnershipRejected':
        return close(doc, at);
      default:
        return doc;
    }
  },
  sync(before, after, subject): IndexOp[] {
    // The sets mirror the doc's completed phases: an event that left the doc as it was writes nothing; a phase completed
    // (or completed again, with another duration) is written, and one the doc no longer holds is removed.
    if (before === after) return [];
    const ops: IndexOp[] = [];
    for (const phase of PHASES) {
      const was = before === null ? undefined : before.completed[phase];
      const now = after === null ? undefined : after.completed[phase];
      const sameKind = before !== null && after !== null && before.kind === after.kind;
      if (was !== undefined && before !== null && (now === undefined || !sameKind)) {
        ops.push({ op: 'zrem', key: durationsKey(before.kind, phase), member: subject }, { op: 'zrem', key: slaKey(before.kind, phase), member: subject });
      }
      if (now === undefined || after === null || (sameKind && was !== undefined && was.ms === now.ms && was.withinSla === now.withinSla)) continue;
      ops.push(
        { op: 'zadd', key: durationsKey(after.kind, phase), score: now.ms, member: subject },
        { op: 'zadd', key: slaKey(after.kind, phase), score: now.withinSla ? 1 : 0, member: subject },
      );
    }
    return ops;
  },
};

/** Cycle-time statistics of one phase for one kind. */
export interface PhaseStats {
  count: number;
  p50Ms: number | null;
  p90Ms: number | null;
  /** Share (0–1) of completions within the SLA; null with none. */
  withinSlaShare: number | null;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** Per kind and phase: count, p50, p90 and share within SLA of the completed phases. */
export async function readCycleTimes(reader: ReadModelReader): Promise<Record<PartnershipKind, Record<Phase, PhaseStats>>> {
  const kinds = partnershipKindSchema.options;
  const pairs = kinds.flatMap((k) => PHASES.map((p) => [k, p] as const));
  const { replies } = await reader.read(
    CYCLE_TIMES,
    pairs.flatMap(([k, p]) => [
      { command: 'ZRANGE' as const, key: indexKey(durationsKey(k, p)), args: [0, -1, 'WITHSCORES'] },
      { command: 'ZCOUNT' as const, key: indexKey(slaKey(k, p)), args: [1, 1] },
    ]),
  );
  const out = Object.fromEntries(kinds.map((k) => [k, {}])) as Record<PartnershipKind, Record<Phase, PhaseStats>>;
  pairs.forEach(([k, p], i) => {
    const values = scored(replies[2 * i]).map(([, ms]) => ms);
    const within = Number(replies[2 * i + 1] ?? 0);
    out[k][p] = {
      count: values.length,
      p50Ms: percentile(values, 50),
      p90Ms: percentile(values, 90),
      withinSlaShare: values.length === 0 ? null : within / values.length,
    };
  });
  return out;
}

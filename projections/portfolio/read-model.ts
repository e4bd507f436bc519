import { registeredStageSchema } from '../../domain/model';
import type { PartnershipKind } from '../../domain/policy';
import { partnershipKindSchema } from '../../domain/policy';
import { LIFECYCLE_EVENTS, lifecycleEventOf } from '../catalog';
import { indexKey } from '../runner/keys';
import type { IndexOp, Projection } from '../runner/projection';
import type { ReadModelReader } from '../runner/reader';
import type { SummaryStage } from '../summary/read-model';

/** Name of the portfolio read model. */
export const PORTFOLIO = 'portfolio';

/** Funnel steps: registered and screened, into due diligence, launched. */
export type FunnelStep = 'screened' | 'diligence' | 'launched';

/** Where one partnership sits in the portfolio. */
export interface PortfolioDoc {
  stage: SummaryStage;
  kind: PartnershipKind;
  owner: string;
  reached: FunnelStep[];
}

const STAGES: readonly SummaryStage[] = registeredStageSchema.options;
const stageKey = (s: string) => `stage:${s}`;
const kindKey = (k: string) => `kind:${k}`;
const ownerKey = (o: string) => `owner:${o}`;
const OWNERS = 'owners';
const FUNNEL = 'funnel';
const REJECTED_AT = 'rejected-at';
const REJECTION_REASONS = 'rejection-reasons';

function stageAfter(doc: PortfolioDoc, type: string): SummaryStage {
  switch (type) {
    case 'DueDiligencePhaseStarted':
      return 'due_diligence';
    case 'LaunchStarted':
      return 'launch';
    case 'OptimizationStarted':
    case 'ContractRenewed':
      return 'optimization';
    case 'RenewalWindowOpened':
      return 'renewal';
    case 'NoticeServed':
      return 'exit';
    case 'PartnershipRejected':
      return 'rejected';
    case 'PartnershipExited':
      return 'exited';
    default:
      return doc.stage;
  }
}

/**
 * Portfolio: partnerships by stage, kind and owner (sets), and the funnel (counters of partnerships that reached each
 * step, and rejections by gate and by rationale). Counters are safe: the runner applies each event once.
 */
export const portfolioProjection: Projection<PortfolioDoc> = {
  name: PORTFOLIO,
  events: LIFECYCLE_EVENTS,
  fold(doc, ce) {
    const event = lifecycleEventOf(ce);
    if (event.type === 'PartnershipRegistered') return { stage: 'screening', kind: event.data.kind, owner: event.data.owner, reached: ['screened'] };
    if (doc === null) return null;
    const stage = stageAfter(doc, event.type);
    const step: FunnelStep | null = event.type === 'DueDiligencePhaseStarted' ? 'diligence' : event.type === 'LaunchStarted' ? 'launched' : null;
    const reached = step !== null && !doc.reached.includes(step) ? [...doc.reached, step] : doc.reached;
    return stage === doc.stage && reached === doc.reached ? doc : { ...doc, stage, reached };
  },
  index(before, after, ce): IndexOp[] {
    // Every write below follows a difference between the docs: an event that left the doc as it was makes none.
    if (before === after) return [];
    if (after === null) return [];
    const id = ce.subject;
    const ops: IndexOp[] = [];
    if (before === null) {
      ops.push(
        { op: 'sadd', key: kindKey(after.kind), member: id },
        { op: 'sadd', key: ownerKey(after.owner), member: id },
        { op: 'sadd', key: OWNERS, member: after.owner },
      );
    }
    if (before?.stage !== after.stage) {
      if (before !== null) ops.push({ op: 'srem', key: stageKey(before.stage), member: id });
      ops.push({ op: 'sadd', key: stageKey(after.stage), member: id });
    }
    for (const step of after.reached) if (!(before?.reached ?? []).includes(step)) ops.push({ op: 'hincrby', key: FUNNEL, field: step, by: 1 });
    const event = lifecycleEventOf(ce);
    if (event.type === 'PartnershipRejected' && before?.stage !== 'rejected') {
      ops.push(
        { op: 'hincrby', key: REJECTED_AT, field: event.data.gate, by: 1 },
        { op: 'hincrby', key: REJECTION_REASONS, field: event.data.rationale, by: 1 },
      );
    }
    return ops;
  },
};

/** The funnel: how many partnerships reached each step, and rejections counted by gate and by rationale. */
export interface Funnel {
  screened: number;
  diligence: number;
  launched: number;
  rejected: number;
  rejectedAt: Record<string, number>;
  rejectionReasons: Record<string, number>;
}

/** The portfolio: partnership ids by stage, by kind and by owner. */
export interface Portfolio {
  byStage: Record<SummaryStage, string[]>;
  byKind: Record<PartnershipKind, string[]>;
  byOwner: Record<string, string[]>;
}

const hash = (reply: unknown): Record<string, number> => {
  const flat = (reply ?? []) as string[];
  const out: Record<string, number> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = Number(flat[i + 1]);
  return out;
};
const members = (reply: unknown): string[] => [...((reply ?? []) as string[])].sort();

/** Partnerships by stage, kind and owner. */
export async function readPortfolio(reader: ReadModelReader): Promise<Portfolio> {
  const kinds = partnershipKindSchema.options;
  const first = await reader.read(PORTFOLIO, [{ command: 'SMEMBERS', key: indexKey(OWNERS) }]);
  const owners = members(first.replies[0]);
  const { replies } = await reader.read(
    PORTFOLIO,
    [...STAGES.map(stageKey), ...kinds.map(kindKey), ...owners.map(ownerKey)].map((k) => ({ command: 'SMEMBERS' as const, key: indexKey(k) })),
    first.generation ?? undefined,
  );
  const at = (i: number) => members(replies[i]);
  return {
    byStage: Object.fromEntries(STAGES.map((s, i) => [s, at(i)])) as Record<SummaryStage, string[]>,
    byKind: Object.fromEntries(kinds.map((k, i) => [k, at(STAGES.length + i)])) as Record<PartnershipKind, string[]>,
    byOwner: Object.fromEntries(owners.map((o, i) => [o, at(STAGES.length + kinds.length + i)])),
  };
}

/** Which partnerships a list asks for: each filter given narrows it; none given is the whole portfolio. */
export interface PortfolioFilter {
  stage?: SummaryStage;
  kind?: PartnershipKind;
  owner?: string;
}

/**
 * The ids of the partnerships every given filter matches, sorted. Reads only the sets the filters name (the stage sets
 * when none is given), in one read of one generation, rather than the whole portfolio.
 */
export async function readPortfolioIds(reader: ReadModelReader, filter: PortfolioFilter): Promise<string[]> {
  const keys: string[] = [];
  if (filter.stage !== undefined) keys.push(stageKey(filter.stage));
  if (filter.kind !== undefined) keys.push(kindKey(filter.kind));
  if (filter.owner !== undefined) keys.push(ownerKey(filter.owner));
  const narrowing = keys.length > 0;
  const { replies } = await reader.read(
    PORTFOLIO,
    (narrowing ? keys : STAGES.map(stageKey)).map((k) => ({ command: 'SMEMBERS' as const, key: indexKey(k) })),
  );
  const sets = replies.map((r) => (r ?? []) as string[]);
  // Every partnership is in exactly one stage set, so with no filter their union is a concatenation.
  const ids = narrowing
    ? sets.reduce((a, b) => {
        const inB = new Set(b);
        return a.filter((x) => inB.has(x));
      })
    : sets.flat();
  return ids.sort();
}

/** The funnel screened → diligence → launched, with rejections. */
export async function readFunnel(reader: ReadModelReader): Promise<Funnel> {
  const { replies } = await reader.read(
    PORTFOLIO,
    [FUNNEL, REJECTED_AT, REJECTION_REASONS].map((k) => ({ command: 'HGETALL' as const, key: indexKey(k) })),
  );
  const funnel = hash(replies[0]);
  const rejectedAt = hash(replies[1]);
  return {
    screened: funnel.screened ?? 0,
    diligence: funnel.diligence ?? 0,
    launched: funnel.launched ?? 0,
    rejected: Object.values(rejectedAt).reduce((a, b) => a + b, 0),
    rejectedAt,
    rejectionReasons: hash(replies[2]),
  };
}

import type { RegisteredStage } from '../../domain/model';
import type { PartnershipKind } from '../../domain/policy';
import { LIFECYCLE_EVENTS, lifecycleEventOf } from '../catalog';
import { docKey, indexKey } from '../runner/keys';
import type { IndexOp, Projection } from '../runner/projection';
import type { ReadModelReader } from '../runner/reader';
import { foldWork, nextDeadline, NO_WORK, openEscalations, type Work } from '../open-work';

/** Name of the summary read model. */
export const SUMMARY = 'summary';

/** Lifecycle stages, as `domain/lifecycle/state.ts` names them. */
export type SummaryStage = RegisteredStage;

/** One partnership at a glance. */
export interface SummaryDoc {
  partnershipId: string;
  name: string;
  stage: SummaryStage;
  /** Due-diligence phase while `stage` is `due_diligence`. */
  phase: string | null;
  kind: PartnershipKind;
  owner: string;
  sponsor: string;
  /** Composite screening score after the latest submission, or at the screening gate. */
  compositeScore: number | null;
  contract: { start: string; end: string } | null;
  /** Latest rating of each relationship-health dimension rated so far. */
  healthRatings: Record<string, number>;
  /** Mean of `healthRatings`, 1–5, or null before the first review. */
  healthScore: number | null;
  nextDeadline: string | null;
  openTasks: number;
  openEscalations: number;
  lastEventAt: string;
  work: Work;
}

const BY_STAGE = 'by-stage';

function mean(values: number[]): number | null {
  return values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 100) / 100;
}

/** Summary: stage, people, scores, contract, health and open work of each partnership. */
export const summaryProjection: Projection<SummaryDoc> = {
  name: SUMMARY,
  events: LIFECYCLE_EVENTS,
  version: 2,
  fold(doc, ce) {
    const event = lifecycleEventOf(ce);
    if (event.type === 'PartnershipRegistered') {
      const d = event.data;
      return countWork({
        partnershipId: d.partnershipId,
        name: d.name,
        stage: 'screening',
        phase: null,
        kind: d.kind,
        owner: d.owner,
        sponsor: d.executiveSponsor,
        compositeScore: null,
        contract: d.contract === null ? null : { start: d.contract.start, end: d.contract.end },
        healthRatings: {},
        healthScore: null,
        nextDeadline: null,
        openTasks: 0,
        openEscalations: 0,
        lastEventAt: ce.time,
        work: NO_WORK,
      });
    }
    // Events of a partnership registered before this model existed cannot be summarised; the rebuild will.
    if (doc === null) return null;
    // One copy per event, filled in place (the input doc is never touched); the open-work figures are recounted only
    // when the event changed the open work.
    const work = foldWork(doc.work, event, ce.time);
    const next: SummaryDoc = { ...doc, lastEventAt: ce.time, work };
    switch (event.type) {
      case 'ScreeningScoreSubmitted':
        next.compositeScore = event.data.composite;
        break;
      case 'GateDecided':
        if (event.data.composite !== null) next.compositeScore = event.data.composite;
        break;
      case 'DueDiligencePhaseStarted':
        next.stage = 'due_diligence';
        next.phase = event.data.phase;
        break;
      case 'LaunchStarted':
        next.stage = 'launch';
        next.phase = null;
        break;
      case 'OptimizationStarted':
      case 'ContractRenewed':
        next.stage = 'optimization';
        next.phase = null;
        next.contract = { start: event.data.contract.start, end: event.data.contract.end };
        break;
      case 'RenewalWindowOpened':
        next.stage = 'renewal';
        break;
      case 'NoticeServed':
        next.stage = 'exit';
        next.phase = null;
        break;
      case 'PartnershipRejected':
        next.stage = 'rejected';
        next.phase = null;
        break;
      case 'PartnershipExited':
        next.stage = 'exited';
        next.phase = null;
        break;
      case 'ReviewCompleted':
        next.healthRatings = { ...doc.healthRatings, ...event.data.healthRatings };
        next.healthScore = mean(Object.values(next.healthRatings));
        break;
      default:
        break;
    }
    if (work !== doc.work) countWork(next);
    return next;
  },
  sync(before, after, subject): IndexOp[] {
    if (after === null || before?.stage === after.stage) return [];
    return [{ op: 'hset', key: BY_STAGE, field: subject, value: after.stage }];
  },
};

/** Sets the figures derived from the open work on a doc this fold owns. */
function countWork(doc: SummaryDoc): SummaryDoc {
  doc.nextDeadline = nextDeadline(doc.work);
  doc.openTasks = Object.keys(doc.work.tasks).length;
  doc.openEscalations = openEscalations(doc.work).length;
  return doc;
}

/** The summary as a query returns it (without the open-work detail; the work board has that). */
export type Summary = Omit<SummaryDoc, 'work'>;

/** One partnership's summary, or null if it has none. */
export async function readSummary(reader: ReadModelReader, partnershipId: string): Promise<Summary | null> {
  return (await readSummaries(reader, [partnershipId]))[0] ?? null;
}

/** Summaries of several partnerships in one read, in the order asked; unknown ids are left out. */
export async function readSummaries(reader: ReadModelReader, partnershipIds: readonly string[]): Promise<Summary[]> {
  if (partnershipIds.length === 0) return [];
  const { replies } = await reader.read(
    SUMMARY,
    partnershipIds.map((id) => ({ command: 'GET' as const, key: docKey(id) })),
  );
  return (replies as Array<string | null>).flatMap((json) => {
    if (json === null) return [];
    const { work: _work, ...summary } = JSON.parse(json) as SummaryDoc;
    return [summary];
  });
}

/** Every summarised partnership and its stage. */
export async function stagesOfAll(reader: ReadModelReader): Promise<Record<string, SummaryStage>> {
  const { replies } = await reader.read(SUMMARY, [{ command: 'HGETALL', key: indexKey(BY_STAGE) }]);
  const flat = (replies[0] ?? []) as string[];
  const out: Record<string, SummaryStage> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i] as string] = flat[i + 1] as SummaryStage;
  return out;
}

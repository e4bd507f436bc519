import type { HealthDimension, KpiDefinition } from '../../domain/model';
import { LIFECYCLE_EVENTS, lifecycleEventOf } from '../catalog';
import { docKey, indexKey } from '../runner/keys';
import type { IndexOp, Projection } from '../runner/projection';
import { DEFAULT_PAGE_LIMIT, type Page, type PageRequest, type ReadModelReader } from '../runner/reader';
import { scored } from '../runner/entries';
import { entryOf, withEntry } from '../../domain/records';

/** Name of the KPI scorecard read model. */
export const KPI_SCORECARD = 'kpi-scorecard';

/**
 * ROI convention: gain is the sum of the latest values of the KPIs with these ids, cost the sum of the latest values
 * of the cost KPIs; ROI = (gain − cost) / cost, null unless at least one gain KPI and one cost KPI have a value and
 * the cost is not 0; ROI is rounded to 4 decimals (so it scores a sorted set exactly). Values recorded for ids the launch did not define count too.
 */
export const ROI_GAIN_KPIS: readonly string[] = ['revenue-generated', 'incremental-sales'];
export const ROI_COST_KPIS: readonly string[] = ['investment', 'cost'];

/** One value of a KPI: recorded on its own (`KpiRecorded`) or at a review (with the review period's start). */
export interface KpiPoint {
  value: number;
  at: string;
  periodStart: string | null;
}

/** A KPI's definition (null for values recorded under an id the launch did not define) and its values in order. */
export interface KpiTrack {
  kpiId: string;
  definition: KpiDefinition | null;
  values: KpiPoint[];
}

/** The latest rating of one relationship-health dimension. */
export interface HealthPoint {
  rating: number;
  at: string;
}

/** A partnership's KPIs and relationship health as folded from its events. */
export interface KpiScorecardDoc {
  kpis: Record<string, KpiTrack>;
  health: Partial<Record<HealthDimension, HealthPoint>>;
}

/** One line of the scorecard: a KPI's latest value against its target, and its trend (values in order of time). */
export interface KpiLine {
  kpiId: string;
  name: string;
  family: KpiDefinition['family'] | null;
  unit: string | null;
  target: number | null;
  direction: KpiDefinition['direction'];
  latest: KpiPoint | null;
  /** Whether the latest value meets the target as `direction` reads it; null without a value or a target. */
  met: boolean | null;
  trend: KpiPoint[];
}

/** A partnership's scorecard. */
export interface KpiScorecard {
  partnershipId: string;
  kpis: KpiLine[];
  roi: { gain: number; cost: number; roi: number } | null;
  /** Why `roi` is null (which KPIs it needs), or null when there is an ROI. */
  roiMissing: string | null;
  health: Partial<Record<HealthDimension, HealthPoint>>;
}

const BY_ROI = 'by-roi';
/** Every partnership with a scorecard (a KPI defined or recorded, or a health rating), with an ROI or not. */
const WITH_SCORECARD = 'with-scorecard';
const EMPTY: KpiScorecardDoc = { kpis: {}, health: {} };

function record(doc: KpiScorecardDoc, kpiId: string, point: KpiPoint): KpiScorecardDoc {
  const track = entryOf(doc.kpis, kpiId) ?? { kpiId, definition: null, values: [] };
  return { ...doc, kpis: withEntry(doc.kpis, kpiId, { ...track, values: [...track.values, point] }) };
}

/** Direction of a definition; events written before the default was filled in may lack it. */
const directionOf = (d: KpiDefinition | null): KpiDefinition['direction'] => (d as Partial<KpiDefinition> | null)?.direction ?? 'higher_is_better';

/** Whether `value` meets `definition`'s target. */
export function meetsTarget(definition: KpiDefinition, value: number): boolean {
  return directionOf(definition) === 'lower_is_better' ? value <= definition.target : value >= definition.target;
}

const latestOf = (t: KpiTrack | undefined): KpiPoint | null => t?.values[t.values.length - 1] ?? null;

/** ROI of the doc under the convention of `ROI_GAIN_KPIS` / `ROI_COST_KPIS`, or null. */
export function roiOf(doc: KpiScorecardDoc): KpiScorecard['roi'] {
  const sum = (ids: readonly string[]) => {
    const latest = ids.flatMap((id) => {
      const p = latestOf(entryOf(doc.kpis, id));
      return p === null ? [] : [p.value];
    });
    return latest.length === 0 ? null : latest.reduce((a, b) => a + b, 0);
  };
  const gain = sum(ROI_GAIN_KPIS);
  const cost = sum(ROI_COST_KPIS);
  if (gain === null || cost === null || cost === 0) return null;
  return { gain, cost, roi: Math.round(((gain - cost) / cost) * 10_000) / 10_000 };
}

/** Why a doc has no ROI, in words a person can act on; null when it has one. */
export function roiMissing(doc: KpiScorecardDoc): string | null {
  const has = (ids: readonly string[]) => ids.some((id) => latestOf(entryOf(doc.kpis, id)) !== null);
  const missing: string[] = [];
  if (!has(ROI_GAIN_KPIS)) missing.push(`no gain recorded: record ${ROI_GAIN_KPIS.join(' or ')}`);
  if (!has(ROI_COST_KPIS)) missing.push(`no cost recorded: record ${ROI_COST_KPIS.join(' or ')}`);
  if (missing.length > 0) return missing.join('; ');
  return roiOf(doc) === null ? 'the cost is 0, so ROI = (gain − cost) / cost is undefined' : null;
}

/** The scorecard a doc reads as. KPIs in the order they were defined, then undefined ids by name. */
export function scorecardOf(partnershipId: string, doc: KpiScorecardDoc): KpiScorecard {
  const kpis = Object.values(doc.kpis).map((t): KpiLine => {
    const d = t.definition;
    const latest = latestOf(t);
    return {
      kpiId: t.kpiId,
      name: d?.name ?? t.kpiId,
      family: d?.family ?? null,
      unit: d?.unit ?? null,
      target: d?.target ?? null,
      direction: directionOf(d),
      latest,
      met: d === null || latest === null ? null : meetsTarget(d, latest.value),
      trend: t.values,
    };
  });
  return { partnershipId, kpis, roi: roiOf(doc), roiMissing: roiMissing(doc), health: doc.health };
}

/**
 * KPI scorecard: per partnership the KPIs defined at launch with every value recorded (on its own or at a review),
 * and the latest rating of each relationship-health dimension; across the portfolio, partnerships by ROI.
 */
export const kpiScorecardProjection: Projection<KpiScorecardDoc> = {
  name: KPI_SCORECARD,
  events: LIFECYCLE_EVENTS,
  version: 2,
  fold(doc, ce) {
    const event = lifecycleEventOf(ce);
    const current = event.type === 'PartnershipRegistered' ? EMPTY : (doc ?? EMPTY);
    switch (event.type) {
      case 'PartnershipRegistered':
        return EMPTY;
      case 'OptimizationStarted': {
        let kpis = current.kpis;
        for (const definition of event.data.kpis)
          kpis = withEntry(kpis, definition.id, { kpiId: definition.id, definition, values: entryOf(kpis, definition.id)?.values ?? [] });
        return { ...current, kpis };
      }
      case 'KpiRecorded':
        return record(current, event.data.kpiId, { value: event.data.value, at: ce.time, periodStart: null });
      case 'ReviewCompleted': {
        let next = current;
        for (const [kpiId, value] of Object.entries(event.data.kpiValues).sort(([a], [b]) => (a < b ? -1 : 1))) {
          next = record(next, kpiId, { value, at: ce.time, periodStart: event.data.periodStart });
        }
        const health = { ...next.health };
        for (const [dimension, rating] of Object.entries(event.data.healthRatings) as Array<[HealthDimension, number | undefined]>) {
          if (rating !== undefined) health[dimension] = { rating, at: ce.time };
        }
        return { ...next, health };
      }
      default:
        return doc;
    }
  },
  sync(before, after, subject): IndexOp[] {
    // Every write below follows a difference between the docs: an event that left the doc as it was makes none.
    if (before === after) return [];
    const ops: IndexOp[] = [];
    const had = hasScorecard(before);
    const has = hasScorecard(after);
    if (had !== has) ops.push(has ? { op: 'sadd', key: WITH_SCORECARD, member: subject } : { op: 'srem', key: WITH_SCORECARD, member: subject });
    const was = before === null ? null : roiOf(before);
    const now = after === null ? null : roiOf(after);
    if (was?.roi !== now?.roi)
      ops.push(now === null ? { op: 'zrem', key: BY_ROI, member: subject } : { op: 'zadd', key: BY_ROI, score: now.roi, member: subject });
    return ops;
  },
};

function hasScorecard(doc: KpiScorecardDoc | null): boolean {
  return doc !== null && (Object.keys(doc.kpis).length > 0 || Object.keys(doc.health).length > 0);
}

/** One partnership's scorecard, or null if it has none. */
export async function readScorecard(reader: ReadModelReader, partnershipId: string): Promise<KpiScorecard | null> {
  const { replies } = await reader.read(KPI_SCORECARD, [{ command: 'GET', key: docKey(partnershipId) }]);
  const json = replies[0] as string | null;
  return json === null ? null : scorecardOf(partnershipId, JSON.parse(json) as KpiScorecardDoc);
}

/**
 * One page of the portfolio's scorecards: partnerships with an ROI first, best first, then those without one (no gain
 * or no cost KPI recorded yet) by id; `total` counts every partnership with a scorecard.
 */
export async function portfolioScorecards(reader: ReadModelReader, req: PageRequest = {}): Promise<Page<KpiScorecard>> {
  const offset = req.offset ?? 0;
  const limit = req.limit ?? DEFAULT_PAGE_LIMIT;
  const first = await reader.read(KPI_SCORECARD, [
    { command: 'ZREVRANGEBYSCORE', key: indexKey(BY_ROI), args: ['+inf', '-inf', 'WITHSCORES'] },
    { command: 'SMEMBERS', key: indexKey(WITH_SCORECARD) },
  ]);
  const withRoi = scored(first.replies[0]).map(([id]) => id);
  const ranked = new Set(withRoi);
  const rest = ((first.replies[1] ?? []) as unknown[])
    .map(String)
    .filter((id) => !ranked.has(id))
    .sort();
  const all = [...withRoi, ...rest];
  const ids = all.slice(offset, offset + limit);
  if (ids.length === 0) return { total: all.length, offset, limit, items: [] };
  // The same generation as the ranking, so the page's docs are the ranked ones even across a switch-over.
  const { replies } = await reader.read(
    KPI_SCORECARD,
    ids.map((id) => ({ command: 'GET' as const, key: docKey(id) })),
    first.generation ?? undefined,
  );
  const items = ids.flatMap((id, i) => {
    const json = replies[i] as string | null;
    return json === null ? [] : [scorecardOf(id, JSON.parse(json) as KpiScorecardDoc)];
  });
  return { total: all.length, offset, limit, items };
}

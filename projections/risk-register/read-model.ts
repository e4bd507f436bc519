import type { Risk } from '../../domain/model';
import { LIFECYCLE_EVENTS, lifecycleEventOf } from '../catalog';
import { docKey, indexKey } from '../runner/keys';
import type { IndexOp, Projection } from '../runner/projection';
import { DEFAULT_PAGE_LIMIT, type Page, type PageRequest, type ReadModelReader } from '../runner/reader';
import { syncEntries } from '../runner/entries';
import { entryOf, withEntry } from '../../domain/records';

/** Name of the risk register read model. */
export const RISK_REGISTER = 'risk-register';

/** Where a risk stands in its treatment. */
export type RiskStatus = Risk['status'];

/** One row of the register: the risk with its severity (likelihood × impact, 1–25). */
export interface RegisterRisk {
  riskId: string;
  title: string;
  category: Risk['category'];
  likelihood: number;
  impact: number;
  severity: number;
  owner: string;
  status: RiskStatus;
  mitigation: string[];
  source: Risk['source'];
  raisedAt: string;
  updatedAt: string;
}

/** A row as the portfolio-wide queries return it. */
export interface PortfolioRisk extends RegisterRisk {
  partnershipId: string;
}

/** A partnership's risks by id. */
export interface RiskRegisterDoc {
  risks: Record<string, RegisterRisk>;
}

const BY_SEVERITY = 'risks:by-severity';
const RISKS = 'risks';
const STATUSES: readonly RiskStatus[] = ['open', 'mitigating', 'accepted', 'closed'];
const statusKey = (s: string) => `risks:status:${s}`;
const EMPTY: RiskRegisterDoc = { risks: {} };

function row(risk: Risk): RegisterRisk {
  const { id, title, category, likelihood, impact, owner, status, mitigation, source, raisedAt, updatedAt } = risk;
  return { riskId: id, title, category, likelihood, impact, severity: likelihood * impact, owner, status, mitigation, source, raisedAt, updatedAt };
}

/**
 * Risk register: every risk of every partnership (added by hand, or entered from a due-diligence finding) with its
 * severity, status, owner and category. Across the portfolio: one sorted set by severity and one per status (scored by
 * severity), each member `<partnershipId>/<riskId>`, with the row's JSON in one hash. Risks stay after an exit.
 */
export const riskRegisterProjection: Projection<RiskRegisterDoc> = {
  name: RISK_REGISTER,
  events: LIFECYCLE_EVENTS,
  fold(doc, ce) {
    const event = lifecycleEventOf(ce);
    const current = doc ?? EMPTY;
    switch (event.type) {
      case 'PartnershipRegistered':
        return EMPTY;
      case 'RiskAdded':
      case 'FindingRecorded':
        return { risks: withEntry(current.risks, event.data.risk.id, row(event.data.risk)) };
      case 'RiskUpdated': {
        const risk = entryOf(current.risks, event.data.riskId);
        if (risk === undefined) return doc;
        const c = event.data.changes;
        const likelihood = c.likelihood ?? risk.likelihood;
        const impact = c.impact ?? risk.impact;
        const next: RegisterRisk = {
          ...risk,
          likelihood,
          impact,
          severity: likelihood * impact,
          owner: c.owner ?? risk.owner,
          mitigation: c.mitigation ?? risk.mitigation,
          status: c.status ?? risk.status,
          updatedAt: ce.time,
        };
        return { risks: withEntry(current.risks, event.data.riskId, next) };
      }
      default:
        return doc;
    }
  },
  sync(before, after, subject): IndexOp[] {
    // Every write below follows a difference between the docs: an event that left the doc as it was makes none.
    if (before === after) return [];
    const was = before?.risks ?? {};
    const now = after?.risks ?? {};
    const render = (r: RegisterRisk) => ({ partnershipId: subject, ...r });
    return [
      ...syncEntries(subject, was, now, { zset: () => BY_SEVERITY, hash: RISKS }, (r) => r.severity, render),
      // The same rows in the sorted set of their status; the hash writes are the ones above, so only the set's are kept.
      ...syncEntries(subject, was, now, { zset: (r) => statusKey(r.status), hash: RISKS }, (r) => r.severity, render).filter(
        (op) => op.op === 'zadd' || op.op === 'zrem',
      ),
    ];
  },
};

type Ranked = Pick<PortfolioRisk, 'severity' | 'partnershipId' | 'riskId'>;
const bySeverity = (a: Ranked, b: Ranked) => b.severity - a.severity || a.partnershipId.localeCompare(b.partnershipId) || a.riskId.localeCompare(b.riskId);

/** `<partnershipId>/<riskId>` members in report order: most severe first, then by partnership, then by risk id. */
function rank(reply: unknown): string[] {
  const flat = ((reply ?? []) as unknown[]).map(String);
  const ranked: Array<Ranked & { id: string }> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const id = flat[i] as string;
    const cut = id.indexOf('/');
    ranked.push({ id, partnershipId: id.slice(0, cut), riskId: id.slice(cut + 1), severity: Number(flat[i + 1]) });
  }
  return ranked.sort(bySeverity).map((r) => r.id);
}

/**
 * One page of the portfolio's risks, most severe first (ties by partnership, then risk id), and how many match:
 * optionally only those with `status`, only from `minSeverity`. Ranks the ids, then reads the page's rows only.
 */
export async function risksPage(reader: ReadModelReader, opts: { status?: RiskStatus; minSeverity?: number } & PageRequest = {}): Promise<Page<PortfolioRisk>> {
  const offset = opts.offset ?? 0;
  const limit = opts.limit ?? DEFAULT_PAGE_LIMIT;
  const zset = opts.status === undefined ? BY_SEVERITY : statusKey(opts.status);
  const first = await reader.read(RISK_REGISTER, [{ command: 'ZREVRANGEBYSCORE', key: indexKey(zset), args: ['+inf', opts.minSeverity ?? 0, 'WITHSCORES'] }]);
  const ranked = rank(first.replies[0]);
  const ids = ranked.slice(offset, offset + limit);
  if (ids.length === 0) return { total: ranked.length, offset, limit, items: [] };
  // The same generation as the ranking, so the page's rows are the ranked ones even across a switch-over.
  const { replies } = await reader.read(RISK_REGISTER, [{ command: 'HMGET', key: indexKey(RISKS), args: ids }], first.generation ?? undefined);
  const items = ((replies[0] ?? []) as Array<string | null>).flatMap((j) => (j === null ? [] : [JSON.parse(j) as PortfolioRisk]));
  return { total: ranked.length, offset, limit, items };
}

/** How many risks of the portfolio have each status. */
export async function riskCountsByStatus(reader: ReadModelReader): Promise<Record<RiskStatus, number>> {
  const { replies } = await reader.read(
    RISK_REGISTER,
    STATUSES.map((s) => ({ command: 'ZCARD' as const, key: indexKey(statusKey(s)) })),
  );
  return Object.fromEntries(STATUSES.map((s, i) => [s, Number(replies[i] ?? 0)])) as Record<RiskStatus, number>;
}

/** One partnership's risks, most severe first. */
export async function risksOf(reader: ReadModelReader, partnershipId: string): Promise<PortfolioRisk[] | null> {
  const { replies } = await reader.read(RISK_REGISTER, [{ command: 'GET', key: docKey(partnershipId) }]);
  const json = replies[0] as string | null;
  // Every registered partnership has a register (empty until a risk is added): none means no such partnership.
  if (json === null) return null;
  return Object.values((JSON.parse(json) as RiskRegisterDoc).risks)
    .map((r) => ({ partnershipId, ...r }))
    .sort(bySeverity);
}

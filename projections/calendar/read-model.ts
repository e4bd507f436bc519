import { addDuration, subtractDuration } from '../../domain/duration';
import type { Event } from '../../domain/events';
import { reviewCadenceSchema, type ReviewCadence } from '../../domain/policy/schema';
import { LIFECYCLE_EVENTS, lifecycleEventOf } from '../catalog';
import { docKey, indexKey } from '../runner/keys';
import type { IndexOp, Projection } from '../runner/projection';
import type { ReadModelReader } from '../runner/reader';
import { scored, syncEntries } from '../runner/entries';
import { entryOf, hasEntry } from '../../domain/records';

/** Name of the calendar read model. */
export const CALENDAR = 'calendar';

/** What a calendar entry marks. */
export type CalendarEntryKind = 'review' | 'renewal_window' | 'contract_end' | 'notice_end';

/** One dated entry of a partnership's calendar. */
export interface CalendarEntry {
  /**
   * Unique within the partnership: `review:<taskId>` (an open review), `next-review:<cadence>` (the next review of a
   * cadence, before it opens), `renewal-window`, `contract-end`, `notice-end`.
   */
  entryId: string;
  kind: CalendarEntryKind;
  at: string;
  title: string;
  /** The review task, or the renewal-decision task once the window has opened. */
  taskId: string | null;
  /**
   * `expected`: when the pinned policy says it will come (a renewal window at the contract end minus the lead time, a
   * review at the end of its period) until it does; `opened`: the renewal window opened. Null for the rest.
   */
  status: 'expected' | 'opened' | null;
}

/** A partnership's calendar: the renewal lead time and review periods its pinned policy sets, and its dated entries by id. */
export interface CalendarDoc {
  renewalLeadTime: string;
  /** How long each cadence's review period is (absent in docs folded before it was kept: rebuild the calendar). */
  reviewEvery?: Record<ReviewCadence, string>;
  entries: Record<string, CalendarEntry>;
}

/** An entry as the portfolio-wide query returns it. */
export interface PortfolioCalendarEntry extends CalendarEntry {
  partnershipId: string;
}

const BY_TIME = 'entries:by-time';
const ENTRIES = 'entries';
const RENEWAL_WINDOW = 'renewal-window';
const CONTRACT_END = 'contract-end';
const NOTICE_END = 'notice-end';
const reviewId = (taskId: string) => `review:${taskId}`;
const nextReviewId = (cadence: ReviewCadence) => `next-review:${cadence}`;
const NEXT_REVIEWS = reviewCadenceSchema.options.map(nextReviewId);
const capitalised = (word: string) => word.charAt(0).toUpperCase() + word.slice(1);

/** The next review of a cadence whose current period starts at `periodStart`: it opens when the period ends. */
function nextReview(doc: CalendarDoc, cadence: ReviewCadence, periodStart: string): Record<string, CalendarEntry> {
  const every = doc.reviewEvery?.[cadence];
  if (every === undefined) return {};
  const id = nextReviewId(cadence);
  return { [id]: entry(id, 'review', addDuration(periodStart, every), `${capitalised(cadence)} review opens`, null, 'expected') };
}

const entry = (
  entryId: string,
  kind: CalendarEntryKind,
  at: string,
  title: string,
  taskId: string | null = null,
  status: CalendarEntry['status'] = null,
): CalendarEntry => ({
  entryId,
  kind,
  at,
  title,
  taskId,
  status,
});

function without(entries: Record<string, CalendarEntry>, ...ids: string[]): Record<string, CalendarEntry> {
  if (!ids.some((id) => hasEntry(entries, id))) return entries;
  return Object.fromEntries(Object.entries(entries).filter(([id]) => !ids.includes(id)));
}

function entriesAfter(doc: CalendarDoc, event: Event, at: string): Record<string, CalendarEntry> {
  const entries = doc.entries;
  switch (event.type) {
    case 'OptimizationStarted':
    case 'ContractRenewed': {
      const end = event.data.contract.end;
      // Reviews run from the contract start of the first term, in periods of each cadence; a renewal does not restart them.
      const reviews: Record<string, CalendarEntry> = {};
      if (event.type === 'OptimizationStarted')
        for (const c of reviewCadenceSchema.options) Object.assign(reviews, nextReview(doc, c, event.data.contract.start));
      return {
        ...without(entries, RENEWAL_WINDOW),
        ...reviews,
        [CONTRACT_END]: entry(CONTRACT_END, 'contract_end', end, 'Contract ends'),
        [RENEWAL_WINDOW]: entry(RENEWAL_WINDOW, 'renewal_window', subtractDuration(end, doc.renewalLeadTime), 'Renewal window opens', null, 'expected'),
      };
    }
    case 'RenewalWindowOpened':
      return { ...entries, [RENEWAL_WINDOW]: entry(RENEWAL_WINDOW, 'renewal_window', at, 'Renewal window opened', event.data.taskId, 'opened') };
    case 'NoticeServed':
      // Exiting: no renewal and no new reviews any more; the notice period ends at `noticeEndsAt`.
      return {
        ...without(entries, RENEWAL_WINDOW, ...NEXT_REVIEWS),
        [NOTICE_END]: entry(NOTICE_END, 'notice_end', event.data.noticeEndsAt, 'Notice period ends'),
      };
    case 'TaskOpened': {
      const t = event.data.task;
      if (t.kind !== 'review') return entries;
      // The review of a period opened: it is due like any task, and the cadence's next review is a period later.
      const next = t.review === undefined ? {} : nextReview(doc, t.review.cadence, t.review.periodEnd);
      return { ...entries, ...next, [reviewId(t.id)]: entry(reviewId(t.id), 'review', t.dueAt, t.title, t.id) };
    }
    case 'DeadlineMoved': {
      const review = entryOf(entries, reviewId(event.data.taskId));
      return review === undefined ? entries : { ...entries, [review.entryId]: { ...review, at: event.data.dueAt } };
    }
    case 'TaskCompleted':
    case 'ReviewCompleted':
    case 'TaskCancelled':
      return without(entries, reviewId(event.data.taskId));
    case 'PartnershipRejected':
    case 'PartnershipExited':
      return Object.keys(entries).length === 0 ? entries : {};
    default:
      return entries;
  }
}

/**
 * Calendar: each partnership's upcoming reviews (the next one of each cadence, from its pinned policy, and open review
 * tasks by due date), renewal window (expected from the
 * contract end minus the pinned policy's renewal lead time, then as opened), contract end and notice period end; and
 * every entry of the portfolio in one sorted set by time. A partnership that exits or is rejected leaves the calendar.
 */
export const calendarProjection: Projection<CalendarDoc> = {
  name: CALENDAR,
  events: LIFECYCLE_EVENTS,
  version: 2,
  fold(doc, ce) {
    const event = lifecycleEventOf(ce);
    if (event.type === 'PartnershipRegistered') {
      const { renewal, reviews } = event.data.policy;
      return {
        renewalLeadTime: renewal.leadTime,
        reviewEvery: { monthly: reviews.monthly.every, quarterly: reviews.quarterly.every, annual: reviews.annual.every },
        entries: {},
      };
    }
    // Without the registration there is no pinned policy; a rebuild from the log will have it.
    if (doc === null) return null;
    const entries = entriesAfter(doc, event, ce.time);
    return entries === doc.entries ? doc : { ...doc, entries };
  },
  sync(before, after, subject): IndexOp[] {
    // Every write below follows a difference between the docs: an event that left the doc as it was makes none.
    if (before === after) return [];
    return syncEntries(
      subject,
      before?.entries ?? {},
      after?.entries ?? {},
      { zset: () => BY_TIME, hash: ENTRIES },
      (e) => Date.parse(e.at),
      (e) => ({ partnershipId: subject, ...e }),
    );
  },
};

const byTime = <T extends CalendarEntry & { partnershipId?: string }>(a: T, b: T) =>
  Date.parse(a.at) - Date.parse(b.at) || (a.partnershipId ?? '').localeCompare(b.partnershipId ?? '') || a.entryId.localeCompare(b.entryId);

/** Every calendar entry of the portfolio at or after `from` and before `to`, by time; optionally only some kinds. */
export async function calendarBetween(
  reader: ReadModelReader,
  from: Date,
  to: Date,
  opts: { kinds?: readonly CalendarEntryKind[] } = {},
): Promise<PortfolioCalendarEntry[]> {
  const first = await reader.read(CALENDAR, [{ command: 'ZRANGEBYSCORE', key: indexKey(BY_TIME), args: [from.getTime(), `(${to.getTime()}`, 'WITHSCORES'] }]);
  const ids = scored(first.replies[0]).map(([m]) => m);
  if (ids.length === 0) return [];
  const { replies } = await reader.read(CALENDAR, [{ command: 'HMGET', key: indexKey(ENTRIES), args: ids }], first.generation ?? undefined);
  const all = ((replies[0] ?? []) as Array<string | null>).flatMap((j) => (j === null ? [] : [JSON.parse(j) as PortfolioCalendarEntry]));
  const kinds = opts.kinds;
  return (kinds === undefined ? all : all.filter((e) => kinds.includes(e.kind))).sort(byTime);
}

/** One partnership's calendar entries by time (past ones included), or an empty list if it has none. */
export async function calendarOf(reader: ReadModelReader, partnershipId: string): Promise<CalendarEntry[]> {
  const { replies } = await reader.read(CALENDAR, [{ command: 'GET', key: docKey(partnershipId) }]);
  const json = replies[0] as string | null;
  if (json === null) return [];
  return Object.values((JSON.parse(json) as CalendarDoc).entries).sort(byTime);
}

import type { CloudEvent } from '../../domain/cloudevent';
import { LIFECYCLE_EVENTS, type LifecycleCloudEvent } from '../catalog';
import { docKey, indexKey } from '../runner/keys';
import type { IndexOp, Projection } from '../runner/projection';
import type { ReadModelReader } from '../runner/reader';

/** Name of the timeline read model. */
export const TIMELINE = 'timeline';

/** Who did something: `metadata.actor` of the domain event. */
export interface TimelineActor {
  id: string;
  role: string;
}

/** One line of the audit trail. */
export interface TimelineEntry {
  sequence: number;
  /** Domain event type, e.g. `GateDecided`. */
  type: string;
  version: number;
  at: string;
  /** Every lifecycle event names one: the domain's schema requires `metadata.actor`. */
  actor: TimelineActor;
}

/** Per-partnership summary of the trail. */
export interface TimelineDoc {
  partnershipId: string;
  events: number;
  firstAt: string;
  lastAt: string;
  lastType: string;
}

/** The audit trail of one partnership as a query returns it. */
export interface Timeline extends TimelineDoc {
  entries: TimelineEntry[];
}

const entriesKey = (partnershipId: string) => `entries:${partnershipId}`;
const RECENT = 'recent';

/** The audit-trail line of a lifecycle event. */
export function timelineEntry(event: CloudEvent): TimelineEntry {
  const { data } = event as LifecycleCloudEvent;
  // The decoder has checked the event against the domain's schema, which requires `metadata.actor`.
  const actor = data.metadata.actor as TimelineActor;
  return { sequence: event.sequence, type: data.type, version: data.version, at: event.time, actor: { id: actor.id, role: actor.role } };
}

/**
 * Timeline: every event of one partnership in order, with actor and time. The doc summarises the trail; the entries
 * are a list appended in sequence order (entry n at index n - 1), and `recent` ranks partnerships by last activity.
 */
export const timelineProjection: Projection<TimelineDoc> = {
  name: TIMELINE,
  events: LIFECYCLE_EVENTS,
  fold(doc, event) {
    const { type } = (event as LifecycleCloudEvent).data;
    if (doc === null) return { partnershipId: event.subject, events: 1, firstAt: event.time, lastAt: event.time, lastType: type };
    return { ...doc, events: doc.events + 1, lastAt: event.time, lastType: type };
  },
  index(_before, _after, event): IndexOp[] {
    return [{ op: 'rpush', key: entriesKey(event.subject), value: JSON.stringify(timelineEntry(event)) }];
  },
  sync(_before, after, subject): IndexOp[] {
    return after === null ? [] : [{ op: 'zadd', key: RECENT, score: Date.parse(after.lastAt), member: subject }];
  },
};

/** A partnership's audit trail from `fromSequence` (default 1), at most `limit` entries; null if it has none. */
export async function readTimeline(
  reader: ReadModelReader,
  partnershipId: string,
  opts: { fromSequence?: number; limit?: number } = {},
): Promise<Timeline | null> {
  const from = Math.max(1, opts.fromSequence ?? 1);
  const limit = Math.max(1, opts.limit ?? 1000);
  const { replies } = await reader.read(TIMELINE, [
    { command: 'GET', key: docKey(partnershipId) },
    { command: 'LRANGE', key: indexKey(entriesKey(partnershipId)), args: [from - 1, from - 1 + limit - 1] },
  ]);
  const [doc, entries] = replies as [string | null, string[] | null];
  if (doc === null) return null;
  return { ...(JSON.parse(doc) as TimelineDoc), entries: (entries ?? []).map((e) => JSON.parse(e) as TimelineEntry) };
}

/** Partnerships with the most recent activity first, with the time of their last event. */
export async function recentPartnerships(reader: ReadModelReader, limit = 50): Promise<Array<{ partnershipId: string; lastAt: string }>> {
  const { replies } = await reader.read(TIMELINE, [{ command: 'ZREVRANGE', key: indexKey(RECENT), args: [0, limit - 1, 'WITHSCORES'] }]);
  const flat = (replies[0] ?? []) as string[];
  const out: Array<{ partnershipId: string; lastAt: string }> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ partnershipId: flat[i] as string, lastAt: new Date(Number(flat[i + 1])).toISOString() });
  return out;
}

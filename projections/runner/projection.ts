import type { z } from 'zod';
import type { CloudEvent } from '../../domain/cloudevent';

/**
 * One event type the projections understand: its CloudEvents `type`, the newest version this code reads, the stream
 * whose gapless per-subject `sequence` it carries, and the schema the CloudEvent must also pass once its envelope is
 * known good (it checks, it does not transform: a transforming validator is the runner's `validate`).
 */
export interface EventTypeSpec {
  readonly type: string;
  readonly maxVersion: number;
  /** Subjects of one stream share one sequence: every event of the stream advances it, handled or not. */
  readonly stream: string;
  readonly schema: z.ZodType;
}

/**
 * A write derived from a fold, to a key of the read model's namespace (`ix:<key>`): cross-subject indexes (sets,
 * sorted sets, hashes) and append-only per-subject lists. Applied in the same atomic step as the doc and sequence.
 */
export type IndexOp =
  | { op: 'zadd'; key: string; score: number; member: string }
  | { op: 'zrem'; key: string; member: string }
  | { op: 'sadd'; key: string; member: string }
  | { op: 'srem'; key: string; member: string }
  | { op: 'hset'; key: string; field: string; value: string }
  | { op: 'hdel'; key: string; field: string }
  /** A count: a field whose count comes to 0 is removed, so a count field is absent or non-zero. */
  | { op: 'hincrby'; key: string; field: string; by: number }
  | { op: 'rpush'; key: string; value: string }
  | { op: 'del'; key: string };

/**
 * A read model: a pure fold of one subject's events into a doc, the index writes derived from each step, and the
 * event types it handles. The runner gives it every event of its streams exactly once and in sequence order.
 */
export interface Projection<Doc = unknown> {
  /** Key segment and CLI name, e.g. `timeline`. */
  readonly name: string;
  readonly events: readonly EventTypeSpec[];
  /** `(doc | null, event) → doc | null`; `null` deletes the doc. Must not mutate `doc`. */
  fold(doc: Doc | null, event: CloudEvent): Doc | null;
  /**
   * Index writes implied by one step of the fold; pure like `fold`. For writes that follow from the event itself (an
   * append to an audit trail, a count of what happened); writes that follow the doc belong in `sync`.
   */
  index?(before: Doc | null, after: Doc | null, event: CloudEvent): readonly IndexOp[];
  /**
   * Index writes that keep cross-subject indexes in step with the doc: called once per fold pass of a subject, with
   * its doc before the pass and after it (only when they differ), however many events the pass applied; its writes go
   * after those of `index`. Pure, and a function of the two docs alone, such that `sync(a, c)` leaves every key as
   * `sync(a, b)` then `sync(b, c)` would: the runner folds as many events per pass as it has (a rebuild, a consumer
   * that is behind), so this is what spares an index the churn of every step in between.
   */
  sync?(before: Doc | null, after: Doc | null, subject: string): readonly IndexOp[];
  /**
   * The version of what `fold` and `index` write (default 1). Bump it when a change makes the same events write other
   * keys or values: a generation built by an older version lacks them until rebuilt, and the projector says so.
   */
  readonly version?: number;
}

/** A projection with its handled types and streams resolved once. */
export interface CompiledProjection {
  readonly projection: Projection;
  readonly name: string;
  readonly handles: ReadonlySet<string>;
  readonly streams: ReadonlySet<string>;
  /** `projection.version`, 1 when absent. */
  readonly version: number;
}

const NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** Checks a projection's name and resolves its handled types and streams. */
export function compileProjection<Doc>(projection: Projection<Doc>): CompiledProjection {
  if (!NAME.test(projection.name)) throw new Error(`read model name "${projection.name}" must match ${String(NAME)}`);
  if (projection.events.length === 0) throw new Error(`read model "${projection.name}" handles no event types`);
  const version = projection.version ?? 1;
  if (!Number.isInteger(version) || version < 1) throw new Error(`read model "${projection.name}" has version ${version}; a version is a whole number from 1`);
  return {
    projection: projection,
    name: projection.name,
    handles: new Set(projection.events.map((e) => e.type)),
    streams: new Set(projection.events.map((e) => e.stream)),
    version,
  };
}

/** Every event type the given projections know, by CloudEvents type; two projections must agree on a type's spec. */
export function catalogOf(projections: readonly Projection[]): ReadonlyMap<string, EventTypeSpec> {
  const catalog = new Map<string, EventTypeSpec>();
  for (const p of projections) {
    for (const spec of p.events) {
      const known = catalog.get(spec.type);
      if (known && (known.maxVersion !== spec.maxVersion || known.stream !== spec.stream || known.schema !== spec.schema)) {
        throw new Error(`read model "${p.name}" declares ${spec.type} differently from another read model; share one spec`);
      }
      catalog.set(spec.type, spec);
    }
  }
  return catalog;
}

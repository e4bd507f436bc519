import type { CloudEvent } from '../../domain/cloudevent';
import type { CompiledProjection, IndexOp } from './projection';

/** An open gap: the subject waits for `expected`; `held` later events (from `heldFrom`) wait with it. */
export interface GapRecord {
  expected: number;
  heldFrom: number;
  held: number;
  /** Where the first held event was read (`topic:partition@offset`). */
  detectedAt: string;
}

/** What a read model holds for one subject: the last sequence applied, the doc, events held behind a gap. */
export interface SubjectState {
  seq: number;
  doc: unknown;
  held: ReadonlyMap<number, CloudEvent>;
  gap: GapRecord | null;
}

/** A subject no event has reached yet. */
export const EMPTY_STATE: SubjectState = Object.freeze({ seq: 0, doc: null, held: new Map<number, CloudEvent>(), gap: null });

/** A decoded event with its stream and where it was read. */
export interface PositionedEvent {
  event: CloudEvent;
  stream: string;
  /** `topic:partition@offset`, for gap reports. */
  position: string;
}

/**
 * The writes one fold pass makes for one subject, guarded by what the state was when it was read: the store applies
 * them only if the subject's sequence and held count are still `expectSeq` / `expectHeld`.
 */
export interface SubjectChange {
  subject: string;
  expectSeq: number;
  expectHeld: number;
  seq: number;
  /** Events held after the pass. */
  held: number;
  /** JSON of the new doc; `null` deletes it; absent leaves it. */
  doc?: string | null;
  ops: IndexOp[];
  hold: Array<[number, string]>;
  unhold: number[];
  /** New gap record; `null` clears it; absent leaves it. */
  gap?: GapRecord | null;
}

/** A gap seen for the first time (or moved to a new missing sequence). */
export interface GapReport {
  subject: string;
  expected: number;
  received: number;
  position: string;
}

/** An event a read model's fold (or index) threw on: the event is passed over (its sequence counts as applied, the doc is left as it was), so one bad event cannot stall its partition. */
export interface FoldFailure {
  subject: string;
  sequence: number;
  /** Where the event was read (`topic:partition@offset`), or `held` for an event released from behind a gap. */
  position: string;
  event: CloudEvent;
  detail: string;
}

/** Everything one fold pass produced. */
export interface FoldResult {
  changes: SubjectChange[];
  /** New state of every subject the pass touched. */
  states: Map<string, SubjectState>;
  applied: number;
  duplicates: number;
  held: number;
  gapsOpened: GapReport[];
  gapsClosed: string[];
  /** Events the fold threw on (see `FoldFailure`); the runner dead-letters them. */
  failures: FoldFailure[];
}

interface Work {
  base: SubjectState;
  seq: number;
  doc: unknown;
  docChanged: boolean;
  /** Copied from the base state on first change. */
  held: Map<number, CloudEvent> | null;
  gap: GapRecord | null;
  ops: IndexOp[];
  hold: Map<number, string> | null;
  unhold: number[] | null;
}

const NO_HELD: ReadonlyMap<number, CloudEvent> = new Map();

/** Events grouped by subject, each group in log order; subjects in order of first appearance. */
export type SubjectGroups = ReadonlyMap<string, readonly PositionedEvent[]>;

/** One read model's fold pass: the model, the states it folds against, and its events grouped by subject. */
export interface FoldPass {
  model: CompiledProjection;
  states: ReadonlyMap<string, SubjectState>;
  groups: SubjectGroups;
}

/**
 * Folds events (in log order) into the given subject states: a sequence at or below the last applied is a duplicate;
 * the next one is applied, followed by any held events it unblocks; a later one is held and its gap reported. Pure:
 * the input states are not modified.
 */
export function foldEvents(model: CompiledProjection, states: ReadonlyMap<string, SubjectState>, events: readonly PositionedEvent[]): FoldResult {
  return foldPasses([{ model, states, groups: groupBySubject(events) }])[0] as FoldResult;
}

/**
 * `foldEvents` for several read models at once, one result per pass. Passes given the same groups are folded subject
 * by subject: each subject's events go through every such model in turn while they are still in the CPU's cache (one
 * pass per model over a large buffer of events would read each event from memory again).
 */
export function foldPasses(passes: readonly FoldPass[]): FoldResult[] {
  const results = passes.map(emptyResult);
  const byGroups = new Map<SubjectGroups, { passes: FoldPass[]; results: FoldResult[] }>();
  passes.forEach((p, i) => {
    let same = byGroups.get(p.groups);
    if (same === undefined) byGroups.set(p.groups, (same = { passes: [], results: [] }));
    same.passes.push(p);
    same.results.push(results[i] as FoldResult);
  });
  for (const [groups, same] of byGroups) {
    for (const [subject, group] of groups) foldSubjectThrough(same.passes, subject, group, same.results);
  }
  return results;
}

/** A fold result with nothing in it yet. */
export function emptyResult(): FoldResult {
  return { changes: [], states: new Map(), applied: 0, duplicates: 0, held: 0, gapsOpened: [], gapsClosed: [], failures: [] };
}

/**
 * Folds one subject's events (in log order) through each model in turn, into the result of the same index: what
 * `foldPasses` does for each subject, for a caller that has a subject's events only one subject at a time.
 */
export function foldSubjectThrough(
  passes: ReadonlyArray<Pick<FoldPass, 'model' | 'states'>>,
  subject: string,
  events: readonly PositionedEvent[],
  results: readonly FoldResult[],
): void {
  passes.forEach((pass, i) => foldSubject(pass.model, subject, pass.states.get(subject) ?? EMPTY_STATE, events, results[i] as FoldResult));
}

/** Groups events by subject (see `SubjectGroups`). */
export function groupBySubject(events: Iterable<PositionedEvent>): Map<string, PositionedEvent[]> {
  const groups = new Map<string, PositionedEvent[]>();
  for (const e of events) {
    const group = groups.get(e.event.subject);
    if (group === undefined) groups.set(e.event.subject, [e]);
    else group.push(e);
  }
  return groups;
}

/** Folds one subject's events (in log order) into `result`. */
function foldSubject(model: CompiledProjection, subject: string, base: SubjectState, events: readonly PositionedEvent[], result: FoldResult): void {
  const { projection, handles, streams } = model;
  const w: Work = { base, seq: base.seq, doc: base.doc, docChanged: false, held: null, gap: base.gap, ops: [], hold: null, unhold: null };

  const apply = (event: CloudEvent, position: string) => {
    if (handles.has(event.type)) {
      const before = w.doc as never;
      let after: unknown;
      let ops: readonly IndexOp[] | undefined;
      try {
        after = projection.fold(before, event);
        ops = projection.index?.(before, after, event);
      } catch (e) {
        // Poison that passed the schema is still poison: pass over it (deterministically, so a rebuild folds as the
        // live runner did) rather than fail the flush and stall every partnership of the partition behind it.
        result.failures.push({
          subject,
          sequence: event.sequence,
          position,
          event,
          detail: `read model "${model.name}" could not fold ${event.type}: ${e instanceof Error ? e.message : String(e)}`,
        });
        after = before;
        ops = undefined;
      }
      if (ops !== undefined) for (const op of ops) w.ops.push(op);
      if (after !== before) {
        w.doc = after;
        w.docChanged = true;
      }
    }
    w.seq = event.sequence;
    result.applied += 1;
  };

  for (const { event, stream, position } of events) {
    if (!streams.has(stream)) continue;
    const seq = event.sequence;
    const held = w.held ?? base.held;
    if (seq <= w.seq || held.has(seq)) {
      result.duplicates += 1;
      continue;
    }
    if (seq === w.seq + 1) {
      apply(event, position);
      if (held.size === 0) continue;
      const mine = (w.held ??= new Map(base.held));
      for (let next = mine.get(w.seq + 1); next !== undefined; next = mine.get(w.seq + 1)) {
        mine.delete(next.sequence);
        if (!(w.hold?.delete(next.sequence) ?? false)) (w.unhold ??= []).push(next.sequence);
        apply(next, 'held');
      }
    } else {
      (w.held ??= new Map(base.held)).set(seq, event);
      (w.hold ??= new Map()).set(seq, JSON.stringify(event));
      result.held += 1;
    }
    const gap = gapAfter(w.held ?? base.held, w.seq, w.gap, position);
    if (gap !== null && (w.gap === null || w.gap.expected !== gap.expected)) {
      result.gapsOpened.push({ subject, expected: gap.expected, received: seq, position });
    }
    if (gap === null && w.gap !== null) result.gapsClosed.push(subject);
    w.gap = gap;
  }

  if (w.docChanged && projection.sync !== undefined && w.doc !== base.doc) {
    for (const op of projection.sync(base.doc, w.doc, subject)) w.ops.push(op);
  }
  const held = w.held ?? base.held;
  const gapChanged = !sameGap(base.gap, w.gap);
  if (w.seq === base.seq && !w.docChanged && w.hold === null && w.unhold === null && !gapChanged) return;
  const change: SubjectChange = {
    subject,
    expectSeq: base.seq,
    expectHeld: base.held.size,
    seq: w.seq,
    held: held.size,
    ops: w.ops,
    hold: w.hold === null ? [] : [...w.hold],
    unhold: w.unhold ?? [],
  };
  if (w.docChanged) change.doc = w.doc === null ? null : JSON.stringify(w.doc);
  if (gapChanged) change.gap = w.gap;
  result.changes.push(change);
  result.states.set(subject, { seq: w.seq, doc: w.doc, held: held.size === 0 ? NO_HELD : held, gap: w.gap });
}

function gapAfter(held: ReadonlyMap<number, CloudEvent>, seq: number, current: GapRecord | null, position: string): GapRecord | null {
  if (held.size === 0) return null;
  let heldFrom = Infinity;
  for (const s of held.keys()) if (s < heldFrom) heldFrom = s;
  const expected = seq + 1;
  const detectedAt = current !== null && current.expected === expected ? current.detectedAt : position;
  return { expected, heldFrom, held: held.size, detectedAt };
}

function sameGap(a: GapRecord | null, b: GapRecord | null): boolean {
  if (a === null || b === null) return a === b;
  return a.expected === b.expected && a.heldFrom === b.heldFrom && a.held === b.held && a.detectedAt === b.detectedAt;
}

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

/**
 * Folds events (in log order) into the given subject states: a sequence at or below the last applied is a duplicate;
 * the next one is applied, followed by any held events it unblocks; a later one is held and its gap reported. Pure:
 * the input states are not modified.
 */
export function foldEvents(model: CompiledProjection, states: ReadonlyMap<string, SubjectState>, events: readonly PositionedEvent[]): FoldResult {
  const work = new Map<string, Work>();
  const result: FoldResult = { changes: [], states: new Map(), applied: 0, duplicates: 0, held: 0, gapsOpened: [], gapsClosed: [] };
  const { projection, handles, streams } = model;

  const apply = (w: Work, event: CloudEvent) => {
    if (handles.has(event.type)) {
      const before = w.doc as never;
      const after = projection.fold(before, event);
      const ops = projection.index?.(before, after, event);
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
    let w = work.get(event.subject);
    if (w === undefined) {
      const base = states.get(event.subject) ?? EMPTY_STATE;
      w = { base, seq: base.seq, doc: base.doc, docChanged: false, held: null, gap: base.gap, ops: [], hold: null, unhold: null };
      work.set(event.subject, w);
    }
    const seq = event.sequence;
    const held = w.held ?? w.base.held;
    if (seq <= w.seq || held.has(seq)) {
      result.duplicates += 1;
      continue;
    }
    if (seq === w.seq + 1) {
      apply(w, event);
      if (held.size === 0) continue;
      const mine = (w.held ??= new Map(w.base.held));
      for (let next = mine.get(w.seq + 1); next !== undefined; next = mine.get(w.seq + 1)) {
        mine.delete(next.sequence);
        if (!(w.hold?.delete(next.sequence) ?? false)) (w.unhold ??= []).push(next.sequence);
        apply(w, next);
      }
    } else {
      (w.held ??= new Map(w.base.held)).set(seq, event);
      (w.hold ??= new Map()).set(seq, JSON.stringify(event));
      result.held += 1;
    }
    const gap = gapAfter(w.held ?? w.base.held, w.seq, w.gap, position);
    if (gap !== null && (w.gap === null || w.gap.expected !== gap.expected)) {
      result.gapsOpened.push({ subject: event.subject, expected: gap.expected, received: seq, position });
    }
    if (gap === null && w.gap !== null) result.gapsClosed.push(event.subject);
    w.gap = gap;
  }

  for (const [subject, w] of work) {
    const { base } = w;
    const held = w.held ?? base.held;
    const gapChanged = !sameGap(base.gap, w.gap);
    if (w.seq === base.seq && !w.docChanged && w.hold === null && w.unhold === null && !gapChanged) continue;
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
  return result;
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
